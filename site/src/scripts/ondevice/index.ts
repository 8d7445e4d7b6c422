/** The on-device bundle: what the page imports with import() on first use of the mode or the camera. */
export { hasWasmSimd, loadRuntime, OnDeviceError, type Progress, type Runtime } from './runtime';
export { analyzeBytes, type DeviceAnswer } from './pipeline';
export { cameraErrorMessage, openCameraStream, runCamera, type CameraView, type LiveCamera } from './camera';
