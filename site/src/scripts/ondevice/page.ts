/**
 * The upload page's on-device parts: the progress bar while ORT and the models load, the
 * on-device answer for a photo, and the live camera button. In the on-demand bundle, so that the
 * page's own script stays as small as it was before on-device mode.
 */

import type { ExpressionTimeline } from '@emotion/core/timeline';
import { describeError, type ErrorView } from '../../lib/classify';
import { cameraElements, onDeviceElements } from '../elements';
import { cameraErrorMessage, type LiveCamera, openCameraStream, runCamera } from './camera';
import { analyzeBytes, type DeviceAnswer } from './pipeline';
import { loadRuntime, type Runtime } from './runtime';

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** A message under the mode choice (role=alert); null hides it. */
export function showDeviceError(message: string | null): void {
  const box = onDeviceElements().error;
  box.textContent = message ?? '';
  box.hidden = !message;
}

/** ORT and both models, with the progress bar (bytes loaded) while they download or come from the cache. */
export async function runtimeWithProgress(): Promise<Runtime> {
  const { loading, progress: bar, progressLabel: label } = onDeviceElements();
  loading.hidden = false;
  label.textContent = 'Loading the on-device model…';
  try {
    const rt = await loadRuntime(({ loaded, total }) => {
      bar.max = Math.max(1, total);
      bar.value = loaded;
      label.textContent = `Loading the on-device model: ${mb(loaded)} of ${total ? mb(total) : '?'} MB`;
    });
    showDeviceError(null);
    return rt;
  } finally {
    loading.hidden = true;
  }
}

/** Loads ahead, as soon as the mode is chosen: the photo that follows waits less. */
export function prefetch(): void {
  runtimeWithProgress().catch((e) => showDeviceError(`${(e as Error).message} “At the edge” still works.`));
}

/**
 * A photo (the page's shrunk JPEG) analyzed in the browser: the answer in /classify's shape, or
 * the error to show (a bad file reads as the API would say it; a runtime that cannot start says why).
 */
export async function classifyPhoto(
  body: Blob,
  status: (text: string) => void,
): Promise<{ answer: DeviceAnswer & { threads: number } } | { error: ErrorView }> {
  status('Loading the on-device model…');
  let rt: Runtime;
  try {
    rt = await runtimeWithProgress();
  } catch (e) {
    const message = (e as Error).message || 'The on-device model could not be loaded.';
    showDeviceError(`${message} “At the edge” still works.`);
    return { error: { title: 'On-device mode could not start', detail: message, code: (e as { code?: string }).code ?? null } };
  }
  status('Analyzing on this device…');
  try {
    return { answer: { ...(await analyzeBytes(rt, new Uint8Array(await body.arrayBuffer()))), threads: rt.threads } };
  } catch (e) {
    const err = e as { code?: string; message?: string; name?: string };
    if (err.name !== 'ImageError') throw e;
    const status = err.code === 'unsupported_media_type' ? 415 : err.code === 'too_large' ? 413 : 400;
    return { error: describeError(status, { error: { code: err.code, message: err.message } }) };
  }
}

let live: LiveCamera | null = null;
let starting = false;
let recordWired = false;

/** The recorded session's chart, segments and downloads, under the camera view. */
async function showRecording(timeline: ExpressionTimeline): Promise<void> {
  const { renderTimeline } = await import('../video/results');
  renderTimeline(cameraElements().timeline, timeline, {
    fileBase: `camera-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`,
    settings: { source: 'live camera' },
  });
}

/** The record button: starts a recording of the timeline, or stops it and shows it. */
function wireRecordButton(): void {
  if (recordWired) return;
  recordWired = true;
  const { record, timeline } = cameraElements();
  record.addEventListener('click', () => {
    if (!live) return;
    const on = record.getAttribute('aria-pressed') !== 'true';
    record.setAttribute('aria-pressed', String(on));
    record.textContent = on ? 'Stop recording' : 'Record the timeline';
    if (on) {
      timeline.replaceChildren();
      live.startRecording();
    } else {
      const recorded = live.stopRecording();
      if (recorded) void showRecording(recorded);
    }
  });
}

/** The camera button: starts the live view, or stops it on a second press. */
export async function toggleCamera(): Promise<void> {
  const { button, stage, readout, record, video, overlay } = cameraElements();
  const pressed = (on: boolean) => {
    button.textContent = on ? 'Stop the camera' : 'Start the camera';
    button.setAttribute('aria-pressed', String(on));
    record.hidden = !on;
    record.setAttribute('aria-pressed', 'false');
    record.textContent = 'Record the timeline';
  };
  wireRecordButton();
  if (live) return live.stop();
  if (starting) return;
  starting = true;
  showDeviceError(null);
  readout.textContent = 'Starting the camera…';
  try {
    const rt = await runtimeWithProgress();
    let stream: MediaStream;
    try {
      stream = await openCameraStream();
    } catch (e) {
      readout.textContent = '';
      showDeviceError(cameraErrorMessage(e));
      return;
    }
    stage.hidden = false;
    pressed(true);
    readout.textContent = 'Analyzing the camera on this device…';
    live = runCamera(rt, stream, { video, overlay, readout }, (recorded) => {
      live = null;
      if (recorded) void showRecording(recorded);
      stage.hidden = true;
      readout.textContent = 'Camera stopped.';
      pressed(false);
    });
  } catch (e) {
    readout.textContent = '';
    showDeviceError(`${(e as Error).message || 'The on-device model could not be loaded.'} You can still upload a photo.`);
  } finally {
    starting = false;
  }
}
