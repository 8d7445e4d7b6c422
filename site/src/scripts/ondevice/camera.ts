/**
 * The live camera view: getUserMedia, then detection and classification of the newest frame,
 * on device, over and over. A frame that arrives while the last one is being analyzed is
 * skipped, never queued, so the labels follow the video instead of falling behind it. The faces
 * go through core's ExpressionTimeline (as a video file's do): each keeps a number while it stays
 * in view and its label is smoothed over time, so it does not flicker. While recording, the
 * timeline keeps each frame's scores (never the picture), up to MAX_RECORDED_ROWS.
 */
import { ExpressionTimeline, type TimelineFace, type TrackedFace } from '@emotion/core/timeline';
import { drawTracked } from '../video/overlay';
import { ANALYZE_SIDE, analyzePixels } from './pipeline';
import type { Runtime } from './runtime';

/** A recording stops at this many rows (face-frames): about 40 minutes of one face at 25 fps, some 20 MB of scores. */
export const MAX_RECORDED_ROWS = 60_000;

export interface CameraView {
  video: HTMLVideoElement;
  overlay: HTMLCanvasElement;
  /** "N fps" (frames analyzed a second), the time one takes, and the top expression go here. */
  readout: HTMLElement;
}

export interface LiveCamera {
  stop(): void;
  /** Starts recording a new timeline (face numbers start again at 1)... */
  startRecording(): void;
  /** ...and stops it, giving the recorded timeline. */
  stopRecording(): ExpressionTimeline | null;
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

/** Starts the loop on an opened stream; `onStop` hears why it stopped (page hidden, stream ended). */
export function runCamera(
  rt: Runtime,
  stream: MediaStream,
  view: CameraView,
  onStop: (recorded: ExpressionTimeline | null) => void,
): LiveCamera {
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
  // Times are seconds since the camera started, or since the recording did: a new recording is a new timeline.
  let timeline = new ExpressionTimeline({}, { recording: false });
  let origin = performance.now();
  let recording = false;
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
    const frameTimeline = timeline;
    const time = (started - origin) / 1000;
    const scale = Math.max(1, Math.max(video.videoWidth, video.videoHeight) / ANALYZE_SIDE);
    const w = Math.round(video.videoWidth / scale);
    const h = Math.round(video.videoHeight / scale);
    if (work.width !== w || work.height !== h) [work.width, work.height] = [w, h];
    ctx.drawImage(video, 0, 0, w, h);
    const pixels = ctx.getImageData(0, 0, w, h);
    analyzePixels(rt, new Uint8Array(pixels.data.buffer), w, h)
      .then((answer) => {
        if (!running || frameTimeline !== timeline) return; // a recording started meanwhile: this frame belongs to the old timeline
        // Boxes in the camera's own pixels, as the overlay draws them.
        const faces = answer.faces.map((f) => ({
          ...f,
          box: {
            x: Math.round(f.box.x * scale),
            y: Math.round(f.box.y * scale),
            w: Math.round(f.box.w * scale),
            h: Math.round(f.box.h * scale),
          },
        }));
        const tracked = timeline.push(time, faces);
        drawTracked(view.overlay, video.videoWidth, video.videoHeight, tracked);
        if (recording && timeline.rows.length >= MAX_RECORDED_ROWS) timeline.recording = false;
        const now = performance.now();
        done = [...done.filter((t) => now - t < 2000), now];
        // A rate needs two frames: the first shows none rather than "0.0 fps".
        const rate = done.length > 1 ? `${(((done.length - 1) * 1000) / (now - done[0])).toFixed(1)} fps · ` : '';
        const ms = Math.round(now - started);
        readout.textContent = `${rate}${ms} ms a frame · ${describe(tracked)}${recordingNote()}`;
      })
      .catch((e) => {
        readout.textContent = `Analysis failed: ${(e as Error).message}`;
      })
      .finally(() => {
        busy = false;
      });
  };

  const recordingNote = () =>
    !recording
      ? ''
      : timeline.recording
        ? ` · recording ${Math.round((performance.now() - origin) / 1000)} s`
        : ` · recording stopped at ${MAX_RECORDED_ROWS} face-frames`;
  const startRecording = () => {
    timeline = new ExpressionTimeline({}, { recording: true });
    origin = performance.now();
    recording = true;
  };
  const stopRecording = () => {
    if (!recording) return null;
    recording = false;
    timeline.recording = false;
    return timeline;
  };
  const stop = () => {
    if (!running) return;
    running = false;
    unschedule();
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
    view.overlay.getContext('2d')?.clearRect(0, 0, view.overlay.width, view.overlay.height);
    document.removeEventListener('visibilitychange', onHidden);
    onStop(stopRecording());
  };
  const onHidden = () => {
    if (document.visibilityState === 'hidden') stop();
  };
  document.addEventListener('visibilitychange', onHidden);
  for (const t of stream.getVideoTracks()) t.addEventListener('ended', stop);
  schedule();
  return { stop, startRecording, stopRecording };
}

/** "1 face, happy 81% (face 1)" or "2 faces, face 1 happy 81%, face 2 neutral 64%" (largest first, as detected); or that there is none. */
function describe(tracked: readonly TrackedFace<TimelineFace>[]): string {
  const pct = (t: TrackedFace<TimelineFace>) => `${Math.round(t.confidence * 100)}%`;
  if (!tracked.length) return 'no face in view';
  if (tracked.length === 1) return `1 face, ${tracked[0].emotion} ${pct(tracked[0])} (face ${tracked[0].id})`;
  return `${tracked.length} faces, ${tracked.map((t) => `face ${t.id} ${t.emotion} ${pct(t)}`).join(', ')}`;
}
