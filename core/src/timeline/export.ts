/**
 * A timeline as files: CSV (one row per analysed frame and track) and JSON (the same rows with the
 * segments, the summaries and the settings that made them).
 */
import { CLASSES } from '../classes.ts';
import type { Segment, TimelineRow, TrackSummary } from './segments.ts';
import type { ExpressionTimeline, TimelineOptions } from './timeline.ts';

/** Said in every export: what a track id is and is not. */
export const TRACK_ID_NOTE = 'Track ids are positions over time (one face followed from frame to frame), not recognition: no identity.';

/** The CSV's columns: time, track, smoothed label, the smoothed probabilities (CLASSES order), the box, the frame's own probabilities. */
export const CSV_COLUMNS: readonly string[] = [
  'time_s',
  'track',
  'emotion',
  ...CLASSES,
  'x',
  'y',
  'w',
  'h',
  ...CLASSES.map((c) => `raw_${c}`),
];

const seconds = (t: number) => String(Math.round(t * 1000) / 1000);
const probability = (p: number) => p.toFixed(4);

/** One line per row, with a header (CSV_COLUMNS); lines end with \n. Nothing needs quoting: every field is a number or a class name. */
export function timelineCsv(rows: readonly TimelineRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const { x, y, w, h } = r.box;
    lines.push(
      [seconds(r.time), r.track, r.emotion, ...Array.from(r.scores, probability), x, y, w, h, ...Array.from(r.raw, probability)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface TimelineJson {
  note: string;
  /** The order of every `scores` and `raw` array. */
  classes: readonly string[];
  settings: {
    max_gap_s: number;
    min_iou: number;
    max_centre_distance: number;
    tau_s: number;
    switch_margin: number;
    merge_gap_s: number;
  } & Record<string, unknown>;
  summaries: { track: number; start_s: number; end_s: number; frames: number; dominant: string; share: Record<string, number> }[];
  segments: { track: number; emotion: string; start_s: number; end_s: number; mean_probability: number; frames: number }[];
  rows: {
    time_s: number;
    track: number;
    emotion: string;
    box: { x: number; y: number; w: number; h: number };
    scores: number[];
    raw: number[];
  }[];
}

const round = (p: number) => Number(p.toFixed(4));

/** The timeline as a JSON-ready object; `settings` adds the caller's own (e.g. the sampling rate, the source). */
export function timelineJson(timeline: ExpressionTimeline, settings: Record<string, unknown> = {}): TimelineJson {
  const o: TimelineOptions = timeline.options;
  return {
    note: TRACK_ID_NOTE,
    classes: CLASSES,
    settings: {
      max_gap_s: o.maxGapSeconds,
      min_iou: o.minIou,
      max_centre_distance: o.maxCentreDistance,
      tau_s: o.tauSeconds,
      switch_margin: o.switchMargin,
      merge_gap_s: o.mergeGapSeconds,
      ...settings,
    },
    summaries: timeline.summaries().map((s: TrackSummary) => ({
      track: s.track,
      start_s: Number(seconds(s.start)),
      end_s: Number(seconds(s.end)),
      frames: s.frames,
      dominant: s.dominant,
      share: Object.fromEntries(CLASSES.map((c) => [c, round(s.share[c])])),
    })),
    segments: timeline.segments().map((s: Segment) => ({
      track: s.track,
      emotion: s.emotion,
      start_s: Number(seconds(s.start)),
      end_s: Number(seconds(s.end)),
      mean_probability: round(s.meanProbability),
      frames: s.frames,
    })),
    rows: timeline.rows.map((r) => ({
      time_s: Number(seconds(r.time)),
      track: r.track,
      emotion: r.emotion,
      box: { ...r.box },
      scores: Array.from(r.scores, round),
      raw: Array.from(r.raw, round),
    })),
  };
}
