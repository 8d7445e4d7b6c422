/**
 * What a track's rows say over time: segments (the runs of one smoothed label, a short interruption
 * between two runs of the same label merged away) and a summary (share of time per expression, the
 * dominant one).
 */

import type { Box } from '../box.ts';
import { CLASSES, type Emotion } from '../classes.ts';

/** One analysed frame of one track. Probabilities in CLASSES order. */
export interface TimelineRow {
  /** Seconds from the start of the video or session. */
  time: number;
  track: number;
  box: Box;
  /** The smoothed label (with hysteresis). */
  emotion: Emotion;
  /** Smoothed probabilities. */
  scores: Float32Array;
  /** This frame's own probabilities, before smoothing. */
  raw: Float32Array;
}

export interface Segment {
  track: number;
  emotion: Emotion;
  /** Seconds: the first frame with this label... */
  start: number;
  /** ...and the first frame after the run (the last frame of the track for its last run). */
  end: number;
  /** Mean smoothed probability of `emotion` over the segment's frames. */
  meanProbability: number;
  frames: number;
}

export interface TrackSummary {
  track: number;
  /** Seconds: first and last frame of the track. */
  start: number;
  end: number;
  frames: number;
  /** Share of the track's time spent at each smoothed label (they sum to 1). */
  share: Record<Emotion, number>;
  /** The label with the largest share. */
  dominant: Emotion;
}

export interface SegmentOptions {
  /** A run shorter than this (seconds) between two runs of one label is merged into them. */
  mergeGapSeconds: number;
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = { mergeGapSeconds: 0.5 };

/** The segments of one track's rows (in time order). */
export function segmentsOf(rows: readonly TimelineRow[], options: Partial<SegmentOptions> = {}): Segment[] {
  const { mergeGapSeconds } = { ...DEFAULT_SEGMENT_OPTIONS, ...options };
  const n = rows.length;
  const timeAt = (i: number) => (i < n ? rows[i].time : rows[n - 1].time);
  // Runs as [first row, row after) with their label; three runs a-b-c with a and c alike and b short become one.
  const runs: { from: number; to: number; emotion: Emotion }[] = [];
  for (let i = 0; i < n; i++) {
    const last = runs.at(-1);
    if (last && last.emotion === rows[i].emotion) {
      last.to = i + 1;
      continue;
    }
    runs.push({ from: i, to: i + 1, emotion: rows[i].emotion });
    while (runs.length >= 3) {
      const [a, b, c] = runs.slice(-3);
      if (a.emotion !== c.emotion || timeAt(b.to) - timeAt(b.from) >= mergeGapSeconds) break;
      runs.splice(-3, 3, { from: a.from, to: c.to, emotion: a.emotion });
    }
  }
  return runs.map(({ from, to, emotion }) => {
    const k = CLASSES.indexOf(emotion);
    let sum = 0;
    for (let i = from; i < to; i++) sum += rows[i].scores[k];
    return {
      track: rows[from].track,
      emotion,
      start: rows[from].time,
      end: timeAt(to),
      meanProbability: sum / (to - from),
      frames: to - from,
    };
  });
}

/** The summary of one track's rows (in time order, at least one). */
export function summaryOf(rows: readonly TimelineRow[]): TrackSummary {
  if (!rows.length) throw new RangeError('summaryOf: no rows');
  const weights = new Map<Emotion, number>(CLASSES.map((c) => [c, 0]));
  // Each frame stands for the time until the next (the last one for as long as the one before it),
  // so a camera's uneven frame rate does not bias the shares; a single frame counts as one.
  let total = 0;
  rows.forEach((r, i) => {
    const w = rows.length === 1 ? 1 : i + 1 < rows.length ? rows[i + 1].time - r.time : r.time - rows[i - 1].time;
    weights.set(r.emotion, (weights.get(r.emotion) ?? 0) + w);
    total += w;
  });
  const share = Object.fromEntries(
    CLASSES.map((c) => [c, total > 0 ? (weights.get(c) ?? 0) / total : rows.filter((r) => r.emotion === c).length / rows.length]),
  ) as Record<Emotion, number>;
  const dominant = CLASSES.reduce((best, c) => (share[c] > share[best] ? c : best), CLASSES[0]);
  return { track: rows[0].track, start: rows[0].time, end: rows.at(-1)?.time ?? rows[0].time, frames: rows.length, share, dominant };
}
