/**
 * The live camera view: getUserMedia, then detection and classification of the newest frame,
 * on device, over and over. A frame that arrives while the last one is still being analyzed is
 * skipped, never queued, so the labels follow the video instead of falling behind it.
 */
import { analyzePixels, type DeviceAnswer } from './pipeline';
import type { Runtime } from './runtime';

/** Frames are analyzed at most this wide: BlazeFace reads 256 px, and a face crop needs ~200. */
const ANALYZE_SIDE = 640;

export interface CameraView {
  video: HTMLVideoElement;
  overlay: HTMLCanvasElement;
  /** "N fps" (frames analyzed a second), the time one takes, and the top expression go here. */
  readout: HTMLElement;
}

export interface LiveCamera {
  stop(): void;
}

/** A person-readable reason getUserMedia failed. */
export function cameraErrorMessage(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Camera permission was denied. Allow the camera for this site in your browser’s settings, or upload a photo instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError')
    return 'No camera was found on this device. You can still upload a photo.';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return 'The camera is in use by another application (or could not be started). Close it there and try again, or upload a photo.';
  return `The camera could not be started${name ? ` (${name})` : ''}. You can still upload a photo.`;
}

export async function openCameraStream(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error('This browser cannot open a camera here (it needs a secure https page).'), { name: 'NotFoundError' });
  }
  return navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
    audio: false,
  });
}

function draw(view: CameraView, answer: DeviceAnswer, scale: number): void {
  const { overlay, video } = view;
  if (overlay.width !== video.videoWidth || overlay.height !== video.videoHeight) {
    overlay.width = video.videoWidth;
    overlay.height = video.videoHeight;
  }
  const ctx = overlay.getContext('2d')!;
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const line = Math.max(2, overlay.width / 240);
  ctx.lineWidth = line;
  ctx.font = `600 ${Math.round(Math.max(14, overlay.width / 32))}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const f of answer.faces) {
    const [x, y, w, h] = [f.box.x / scale, f.box.y / scale, f.box.w / scale, f.box.h / scale];
    ctx.strokeStyle = '#4f46e5';
    ctx.strokeRect(x, y, w, h);
    const label = `${f.uncertain ? `${f.emotion}?` : f.emotion} ${Math.round(f.confidence * 100)}%`;
    const tw = ctx.measureText(label).width + 2 * line;
    const th = parseInt(ctx.font.split(' ')[1], 10) + line;
    ctx.fillStyle = '#4f46e5';
    ctx.fillRect(x - line / 2, Math.max(0, y - th), tw, th);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, x + line, Math.max(th, y) - line / 2);
  }
}

/** Starts the loop on an opened stream; `onStop` hears why it stopped (page hidden, stream ended). */
export function runCamera(rt: Runtime, stream: MediaStream, view: CameraView, onStop: () => void): LiveCamera {
  const { video, readout } = view;
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  void video.play().catch(() => {});
  const work = document.createElement('canvas');
  const ctx = work.getContext('2d', { willReadFrequently: true })!;
  let running = true;
  let busy = false;
  let done: number[] = [];
  let handle = 0;
  // Once per new video frame where the browser says when one arrives (else once per screen refresh).
  const perFrame = typeof video.requestVideoFrameCallback === 'function';
  const schedule = () => (handle = perFrame ? video.requestVideoFrameCallback(tick) : requestAnimationFrame(tick));
  const unschedule = () => (perFrame ? video.cancelVideoFrameCallback(handle) : cancelAnimationFrame(handle));

  const tick = () => {
    if (!running) return;
    schedule();
    if (busy || video.readyState < 2 || !video.videoWidth) return; // skip: the last frame is still being analyzed
    busy = true;
    const started = performance.now();
    const scale = Math.max(1, Math.max(video.videoWidth, video.videoHeight) / ANALYZE_SIDE);
    const w = Math.round(video.videoWidth / scale);
    const h = Math.round(video.videoHeight / scale);
    if (work.width !== w || work.height !== h) [work.width, work.height] = [w, h];
    ctx.drawImage(video, 0, 0, w, h);
    const pixels = ctx.getImageData(0, 0, w, h);
    analyzePixels(rt, new Uint8Array(pixels.data.buffer), w, h)
      .then((answer) => {
        if (!running) return;
        draw(view, answer, 1 / scale);
        const now = performance.now();
        done = [...done.filter((t) => now - t < 2000), now];
        // A rate needs two frames: the first shows none rather than "0.0 fps".
        const rate = done.length > 1 ? `${(((done.length - 1) * 1000) / (now - done[0])).toFixed(1)} fps · ` : '';
        const top = answer.faces[0];
        const ms = Math.round(now - started);
        const faces = top
          ? `${answer.faces.length === 1 ? '1 face' : `${answer.faces.length} faces`}, ${top.uncertain ? `not sure (${top.emotion}?)` : top.emotion} ${Math.round(top.confidence * 100)}%`
          : 'no face in view';
        readout.textContent = `${rate}${ms} ms a frame · ${faces}`;
      })
      .catch((e) => {
        readout.textContent = `Analysis failed: ${(e as Error).message}`;
      })
      .finally(() => {
        busy = false;
      });
  };

  const stop = () => {
    if (!running) return;
    running = false;
    unschedule();
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
    view.overlay.getContext('2d')?.clearRect(0, 0, view.overlay.width, view.overlay.height);
    document.removeEventListener('visibilitychange', onHidden);
    onStop();
  };
  const onHidden = () => {
    if (document.visibilityState === 'hidden') stop();
  };
  document.addEventListener('visibilitychange', onHidden);
  for (const t of stream.getVideoTracks()) t.addEventListener('ended', stop);
  schedule();
  return { stop };
}
