/**
 * A video file analysed on this device: seek to each sampling time, read the frame, run core's
 * analyzeImage (the on-device pipeline), and feed the faces to core's ExpressionTimeline (tracking,
 * smoothing). Only the timeline's rows (probabilities and boxes) are kept, never frames, so an
 * hour-long video needs the memory of its scores alone.
 */
import { ExpressionTimeline } from '@emotion/core/timeline';
import { analyzePixels } from '../ondevice/pipeline';
import type { Runtime } from '../ondevice/runtime';
import { readFrame, sampleTimes, seek } from './frames';

export interface AnalysisProgress {
  done: number;
  total: number;
  /** Frames analysed a second, over the whole run so far. */
  framesPerSecond: number;
  /** Seconds left at that rate. */
  secondsLeft: number;
}

export interface VideoAnalysis {
  timeline: ExpressionTimeline;
  /** Frames a second sampled. */
  rate: number;
  frames: number;
  total: number;
  cancelled: boolean;
  /** The last analysed time, seconds. */
  until: number;
  /** Wall time of the run, and within it seeking (to the frame drawn), the analysis, and the tracking and smoothing (timeline.push), milliseconds. */
  ms: number;
  seekMs: number;
  analysisMs: number;
  trackingMs: number;
}

export async function analyzeVideo(
  rt: Runtime,
  video: HTMLVideoElement,
  rate: number,
  signal: AbortSignal,
  onProgress: (p: AnalysisProgress) => void,
): Promise<VideoAnalysis> {
  const times = sampleTimes(video.duration, rate);
  const timeline = new ExpressionTimeline();
  const canvas = document.createElement('canvas');
  const t0 = performance.now();
  let [seekMs, analysisMs, trackingMs] = [0, 0, 0];
  let frames = 0;
  for (const time of times) {
    if (signal.aborted) break;
    const ts = performance.now();
    await seek(video, time);
    if (signal.aborted) break;
    const frame = readFrame(video, canvas);
    const ta = performance.now();
    seekMs += ta - ts;
    const answer = await analyzePixels(rt, frame.rgba, frame.width, frame.height);
    analysisMs += performance.now() - ta;
    const s = frame.scale;
    // Boxes in the video's own pixels: what the player draws on and the export reports.
    const faces = answer.faces.map((f) => ({
      box: { x: Math.round(f.box.x * s), y: Math.round(f.box.y * s), w: Math.round(f.box.w * s), h: Math.round(f.box.h * s) },
      scores: f.scores,
    }));
    const tp = performance.now();
    timeline.push(time, faces);
    trackingMs += performance.now() - tp;
    frames++;
    const elapsed = (performance.now() - t0) / 1000;
    const framesPerSecond = frames / Math.max(elapsed, 1e-3);
    onProgress({ done: frames, total: times.length, framesPerSecond, secondsLeft: (times.length - frames) / framesPerSecond });
  }
  return {
    timeline,
    rate,
    frames,
    total: times.length,
    cancelled: frames < times.length,
    until: frames ? times[frames - 1] : 0,
    ms: performance.now() - t0,
    seekMs,
    analysisMs,
    trackingMs,
  };
}
