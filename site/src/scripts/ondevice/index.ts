/** The on-device bundle: what the page imports with import() on first use of the mode or the camera. */
export { classifyPhoto, prefetch, showDeviceError, toggleCamera } from './page';
