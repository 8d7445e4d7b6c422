/**
 * Expressions over time, for frames (a video, a camera): core's face tracker, per-track smoothing
 * and segments (`@emotion/core/timeline`), as the site and the command line use them. Push each
 * analyzed frame's faces with its time; track ids are positions over time, not identities.
 */
export {
  CSV_COLUMNS,
  DEFAULT_TIMELINE_OPTIONS,
  ExpressionTimeline,
  type Segment,
  type TimelineFace,
  type TimelineJson,
  type TimelineOptions,
  type TimelineRow,
  TRACK_ID_NOTE,
  type TrackedFace,
  type TrackSummary,
  timelineCsv,
  timelineJson,
} from '@emotion/core/timeline';
