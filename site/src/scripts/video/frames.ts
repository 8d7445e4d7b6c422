/**
 * Reading a video file's frames in the browser, without playing it: a <video> element (never in
 * the page) is seeked to each sampling time and the frame drawn into a canvas, at most
 * ANALYZE_SIDE px wide (as the camera's), whose pixels go to the analysis. Only one frame exists at a time.
 */
import { ANALYZE_SIDE } from '../ondevice/pipeline';

/** A file the browser cannot play (or that has no picture): `message` says so to the visitor. */
export class VideoFileError extends Error {}

const codecs = 'WebM (VP8, VP9, AV1) plays in every current browser; MP4 (H.264) where the browser has that codec.';

/** A <video> with `url` loaded to its first frame, its duration known; VideoFileError if the browser cannot decode it. */
export async function openVideo(url: string, name: string): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  await new Promise<void>((resolve, reject) => {
    video.addEventListener('loadeddata', () => resolve(), { once: true });
    video.addEventListener('error', () => reject(new VideoFileError(`This browser cannot play “${name}”. ${codecs}`)), { once: true });
    video.src = url;
  });
  if (!video.videoWidth || !video.videoHeight) throw new VideoFileError(`“${name}” has no picture to analyze (an audio file?).`);
  if (!Number.isFinite(video.duration)) await findDuration(video);
  if (!(video.duration > 0)) throw new VideoFileError(`“${name}” has no length the browser can read.`);
  return video;
}

/** Recordings written as a stream (MediaRecorder's WebM) state no duration: seeking past the end makes the browser find it. */
async function findDuration(video: HTMLVideoElement): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      if (Number.isFinite(video.duration)) {
        video.removeEventListener('durationchange', done);
        resolve();
      }
    };
    video.addEventListener('durationchange', done);
    video.currentTime = Number.MAX_SAFE_INTEGER;
    setTimeout(resolve, 10_000);
  });
  await seek(video, 0);
}

/** Seeks and waits until the frame at `time` can be drawn. */
export function seek(video: HTMLVideoElement, time: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = () => reject(new VideoFileError('The video stopped decoding part way: the file may be damaged.'));
    video.addEventListener(
      'seeked',
      () => {
        video.removeEventListener('error', onError);
        resolve();
      },
      { once: true },
    );
    video.addEventListener('error', onError, { once: true });
    video.currentTime = time;
  });
}

/** The times to analyse: every 1/rate s from 0, before the end. */
export function sampleTimes(duration: number, rate: number): number[] {
  const n = Math.max(1, Math.ceil(duration * rate - 1e-6));
  // k / rate, not a running sum, so that times do not drift (0.2 * 3 is 0.6000000000000001).
  return Array.from({ length: n }, (_, k) => Number((k / rate).toFixed(6)));
}

export interface FramePixels {
  rgba: Uint8Array;
  width: number;
  height: number;
  /** Video pixels per analysed pixel (1 when the video is at most ANALYZE_SIDE wide). */
  scale: number;
}

/** Draws the video's current frame into `canvas` (resized to the analysis size) and reads its pixels. */
export function readFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): FramePixels {
  const scale = Math.max(1, Math.max(video.videoWidth, video.videoHeight) / ANALYZE_SIDE);
  const width = Math.round(video.videoWidth / scale);
  const height = Math.round(video.videoHeight / scale);
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser cannot draw video frames.');
  ctx.drawImage(video, 0, 0, width, height);
  return { rgba: new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer), width, height, scale };
}
