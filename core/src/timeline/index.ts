/**
 * Expressions over time (`@emotion/core/timeline`), runtime-neutral: a face tracker, per-track
 * smoothing with hysteresis, segments and summaries, CSV and JSON export. Track ids are positions
 * over time, not recognition: no face embeddings, no identity.
 */
export { assign } from './assign.ts';
export { CSV_COLUMNS, type TimelineJson, TRACK_ID_NOTE, timelineCsv, timelineJson } from './export.ts';
export {
  DEFAULT_SEGMENT_OPTIONS,
  type Segment,
  type SegmentOptions,
  segmentsOf,
  summaryOf,
  type TimelineRow,
  type TrackSummary,
} from './segments.ts';
export { DEFAULT_SMOOTHING_OPTIONS, ScoreSmoother, type SmoothingOptions } from './smoothing.ts';
export {
  arrayToScores,
  DEFAULT_TIMELINE_OPTIONS,
  ExpressionTimeline,
  scoresToArray,
  type TimelineFace,
  type TimelineOptions,
  type TrackedFace,
} from './timeline.ts';
export { DEFAULT_TRACKER_OPTIONS, FaceTracker, iou, type TrackerOptions, type TrackerUpdate } from './tracker.ts';
