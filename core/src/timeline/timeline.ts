/**
 * Expressions over time: each frame's analysed faces (core's analyzeImage faces, or anything with a
 * box and scores) go in with their time; out come tracked faces with a stable id, smoothed
 * probabilities and a label that does not flicker. While `recording`, every frame's tracked faces
 * are kept as rows (probabilities and boxes only, never pixels) for segments, summaries and export.
 *
 * Track ids are positions over time, not recognition: no face embeddings, no identity (./tracker.ts).
 */

import type { Box } from '../box.ts';
import { CLASSES, type Emotion } from '../classes.ts';
import type { Scores } from '../emotion/classifier.ts';
import {
  DEFAULT_SEGMENT_OPTIONS,
  type Segment,
  type SegmentOptions,
  segmentsOf,
  summaryOf,
  type TimelineRow,
  type TrackSummary,
} from './segments.ts';
import { DEFAULT_SMOOTHING_OPTIONS, ScoreSmoother, type SmoothingOptions } from './smoothing.ts';
import { DEFAULT_TRACKER_OPTIONS, FaceTracker, type TrackerOptions } from './tracker.ts';

/** What the timeline needs of a face: where it is and its class probabilities. */
export interface TimelineFace {
  box: Box;
  scores: Scores;
}

export type TimelineOptions = TrackerOptions & SmoothingOptions & SegmentOptions;

export const DEFAULT_TIMELINE_OPTIONS: TimelineOptions = {
  ...DEFAULT_TRACKER_OPTIONS,
  ...DEFAULT_SMOOTHING_OPTIONS,
  ...DEFAULT_SEGMENT_OPTIONS,
};

export interface TrackedFace<F extends TimelineFace = TimelineFace> {
  /** The track's id: a position over time, not a person. */
  id: number;
  box: Box;
  /** The smoothed label (with hysteresis). */
  emotion: Emotion;
  /** The smoothed probability of `emotion`. */
  confidence: number;
  /** Smoothed probabilities. */
  scores: Scores;
  /** This frame's probabilities (the face's own `scores`). */
  raw: Scores;
  /** The face as given. */
  face: F;
}

/** Probabilities in CLASSES order from a Scores record. */
export const scoresToArray = (scores: Scores): Float32Array => Float32Array.from(CLASSES, (c) => scores[c]);
/** A Scores record from probabilities in CLASSES order. */
export const arrayToScores = (values: ArrayLike<number>): Scores => Object.fromEntries(CLASSES.map((c, k) => [c, values[k]])) as Scores;

export class ExpressionTimeline {
  readonly options: TimelineOptions;
  /** Whether push() keeps rows (switch it off to track and smooth only, e.g. a live view not being recorded). */
  recording: boolean;
  private readonly tracker: FaceTracker;
  private readonly smoothers = new Map<number, ScoreSmoother>();
  private allRows: TimelineRow[] = [];
  private byTrack = new Map<number, TimelineRow[]>();

  constructor(options: Partial<TimelineOptions> = {}, { recording = true } = {}) {
    this.options = { ...DEFAULT_TIMELINE_OPTIONS, ...options };
    this.recording = recording;
    this.tracker = new FaceTracker(this.options);
  }

  /** One analysed frame at `time` seconds (never earlier than the last): its faces, tracked and smoothed, in the order given. */
  push<F extends TimelineFace>(time: number, faces: readonly F[]): TrackedFace<F>[] {
    const { ids, ended } = this.tracker.update(
      time,
      faces.map((f) => f.box),
    );
    for (const id of ended) this.smoothers.delete(id);
    return faces.map((face, i) => {
      const id = ids[i];
      let smoother = this.smoothers.get(id);
      if (!smoother) this.smoothers.set(id, (smoother = new ScoreSmoother(this.options)));
      const raw = scoresToArray(face.scores);
      const smoothed = smoother.push(time, raw);
      const k = smoother.labelIndex;
      const emotion = CLASSES[k];
      if (this.recording) {
        const row: TimelineRow = { time, track: id, box: { ...face.box }, emotion, scores: Float32Array.from(smoothed), raw };
        this.allRows.push(row);
        const rows = this.byTrack.get(id);
        if (rows) rows.push(row);
        else this.byTrack.set(id, [row]);
      }
      return { id, box: face.box, emotion, confidence: smoothed[k], scores: arrayToScores(smoothed), raw: face.scores, face };
    });
  }

  /** Every recorded row, in time order (a frame's faces in the order given). */
  get rows(): readonly TimelineRow[] {
    return this.allRows;
  }

  /** The ids of the tracks with recorded rows, in order of first appearance. */
  get tracks(): number[] {
    return [...this.byTrack.keys()];
  }

  /** One track's recorded rows, in time order. */
  rowsOf(track: number): readonly TimelineRow[] {
    return this.byTrack.get(track) ?? [];
  }

  /** The segments of one track, or of every track (by track, then time). */
  segments(track?: number): Segment[] {
    const ids = track === undefined ? this.tracks : [track];
    return ids.flatMap((id) => segmentsOf(this.rowsOf(id), this.options));
  }

  /** A summary per track with recorded rows. */
  summaries(): TrackSummary[] {
    return this.tracks.map((id) => summaryOf(this.rowsOf(id)));
  }

  /** Forgets the recorded rows; tracking and smoothing go on. */
  clearRows(): void {
    this.allRows = [];
    this.byTrack = new Map();
  }
}
