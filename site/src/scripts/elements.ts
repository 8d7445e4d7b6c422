/**
 * Every element of the upload page that its scripts use, looked up by id in one place. The ids are
 * those of the page's components (src/components/upload/), which the tests and the acceptance
 * checks also use. A missing one is an error that names it.
 */

function byId<T extends HTMLElement = HTMLElement>(id: string, doc: Document = document): T {
  const node = doc.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

/** The photo upload: picker and drop zone (DropZone), mode choice (ModeChoice), preview and result (ResultPanel). */
export const uploadElements = (doc: Document = document) => ({
  dropzone: byId('dropzone', doc),
  inputs: [byId<HTMLInputElement>('file-input', doc), byId<HTMLInputElement>('camera-input', doc)],
  modes: Array.from(doc.querySelectorAll<HTMLInputElement>('input[name="mode"]')),
  deviceError: byId('ondevice-error', doc),
  cameraButton: byId<HTMLButtonElement>('camera-button', doc),
  workspace: byId('workspace', doc),
  stage: byId('stage', doc),
  noPreview: byId('no-preview', doc),
  caption: byId('preview-caption', doc),
  panel: byId('panel', doc),
  status: byId('status', doc),
  error: byId('error', doc),
  errorTitle: byId('error-title', doc),
  errorDetail: byId('error-detail', doc),
  damagedNote: byId('damaged-note', doc),
  noFace: byId('no-face', doc),
  noFaceMessage: byId('no-face-message', doc),
  result: byId('result', doc),
  resultLabel: byId('result-label', doc),
  topEmotion: byId('top-emotion', doc),
  topConfidence: byId('top-confidence', doc),
  qualityWarning: byId('quality-warning', doc),
  facePicker: byId('face-picker', doc),
  faceCount: byId('face-count', doc),
  faceButtons: byId('face-buttons', doc),
  bars: byId('bars', doc),
  meta: byId('meta', doc),
});
export type UploadElements = ReturnType<typeof uploadElements>;

/** On-device mode's loading bar and error line (ModeChoice). */
export const onDeviceElements = () => ({
  loading: byId('ondevice-loading'),
  progress: byId<HTMLProgressElement>('ondevice-progress'),
  progressLabel: byId('ondevice-progress-label'),
  error: byId('ondevice-error'),
});

/** The live camera (LiveCamera). */
export const cameraElements = () => ({
  button: byId<HTMLButtonElement>('camera-button'),
  record: byId<HTMLButtonElement>('record-button'),
  stage: byId('live-stage'),
  video: byId<HTMLVideoElement>('live-video'),
  overlay: byId<HTMLCanvasElement>('live-overlay'),
  readout: byId('live-readout'),
  timeline: byId('live-timeline'),
});

/** A video file's analysis and result (VideoAnalysis). */
export const videoElements = () => ({
  section: byId('video-section'),
  caption: byId('video-caption'),
  rate: byId<HTMLInputElement>('video-rate'),
  rerun: byId<HTMLButtonElement>('video-rerun'),
  progressBox: byId('video-progress-box'),
  progress: byId<HTMLProgressElement>('video-progress'),
  progressText: byId('video-progress-text'),
  cancel: byId<HTMLButtonElement>('video-cancel'),
  status: byId('video-status'),
  error: byId('video-error'),
  result: byId('video-result'),
  player: byId<HTMLVideoElement>('video-player'),
  overlay: byId<HTMLCanvasElement>('video-overlay'),
  meta: byId('video-meta'),
  timeline: byId('video-timeline'),
});
