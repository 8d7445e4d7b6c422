/**
 * The analysed video, played with its tracked faces drawn in sync: at each displayed frame the
 * overlay shows the rows of the last sampled time at or before it (boxes, track numbers, smoothed
 * labels), for as long as one sampling interval; between samples nothing is invented.
 */
import { CLASSES } from '@emotion/core/classes';
import type { ExpressionTimeline, TimelineRow } from '@emotion/core/timeline';
import { type DrawnFace, drawTracked } from './overlay';

export interface Player {
  seek(seconds: number): void;
  dispose(): void;
}

/** Rows grouped by sampled time, for a binary search on the playing time. */
function byTime(rows: readonly TimelineRow[]): { times: number[]; faces: DrawnFace[][] } {
  const times: number[] = [];
  const faces: DrawnFace[][] = [];
  for (const r of rows) {
    if (times.at(-1) !== r.time) {
      times.push(r.time);
      faces.push([]);
    }
    faces[faces.length - 1].push({ id: r.track, box: r.box, emotion: r.emotion, confidence: r.scores[CLASSES.indexOf(r.emotion)] });
  }
  return { times, faces };
}

export function mountPlayer(
  video: HTMLVideoElement,
  overlay: HTMLCanvasElement,
  timeline: ExpressionTimeline,
  rate: number,
  onTime: (seconds: number) => void,
): Player {
  const { times, faces } = byTime(timeline.rows);
  // A sample's faces hold until the next sample (1 / rate later), with a little slack for frame timing.
  const hold = 1 / rate + 0.02;
  const draw = () => {
    const t = video.currentTime;
    let lo = 0;
    let hi = times.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t + 1e-3) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const shown = at >= 0 && t - times[at] <= hold ? faces[at] : [];
    if (video.videoWidth) drawTracked(overlay, video.videoWidth, video.videoHeight, shown);
    onTime(t);
  };
  let handle = 0;
  let live = true;
  const perFrame = typeof video.requestVideoFrameCallback === 'function';
  const loop = () => {
    if (!live) return;
    draw();
    handle = perFrame ? video.requestVideoFrameCallback(loop) : requestAnimationFrame(loop);
  };
  const events = ['seeked', 'loadeddata', 'pause'] as const;
  for (const e of events) video.addEventListener(e, draw);
  loop();
  return {
    seek(seconds: number) {
      video.currentTime = Math.min(Math.max(0, seconds), video.duration || seconds);
    },
    dispose() {
      live = false;
      if (perFrame) video.cancelVideoFrameCallback(handle);
      else cancelAnimationFrame(handle);
      for (const e of events) video.removeEventListener(e, draw);
    },
  };
}
