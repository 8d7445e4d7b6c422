/**
 * A face tracker: each frame's detections are paired with the tracks of earlier frames by box
 * overlap and centre distance (after moving each track by its recent velocity, so two faces that
 * cross keep their ids), with a minimum-cost assignment. A track missed by the detector keeps its id
 * for up to `maxGapSeconds`, then ends at the next frame without it; a face that appears later, even
 * where one was, gets a new id.
 *
 * Ids are positions over time, not recognition: nothing about a face's appearance is compared, there
 * are no face embeddings and no identity, ever. Id 3 is "the face that has been about here since
 * 0:12", not a person.
 */
import type { Box } from '../box.ts';
import { assign } from './assign.ts';

export interface TrackerOptions {
  /** A track with no detection for longer than this (seconds) ends; its face, if it comes back, gets a new id. */
  maxGapSeconds: number;
  /** A detection may continue a track when their boxes overlap at least this much (intersection over union)... */
  minIou: number;
  /** ...or when their centres are at most this many track-box sizes (sqrt(w * h)) apart. */
  maxCentreDistance: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = { maxGapSeconds: 1, minIou: 0.1, maxCentreDistance: 1 };

/** Intersection over union of two boxes (0 when they do not overlap). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

interface TrackState {
  id: number;
  box: Box;
  lastSeen: number;
  /** Centre velocity in pixels per second, smoothed over the last matches. */
  vx: number;
  vy: number;
}

/** One frame's outcome: for each detection (in the order given), its track id; and the ids that ended. */
export interface TrackerUpdate {
  ids: number[];
  ended: number[];
}

export class FaceTracker {
  readonly options: TrackerOptions;
  private tracks: TrackState[] = [];
  private nextId = 1;
  private lastTime = -Infinity;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** Ids of the tracks alive (seen at the last update, or missed for at most maxGapSeconds). */
  get activeIds(): number[] {
    return this.tracks.map((t) => t.id);
  }

  /** Pairs this frame's boxes with the tracks. `time` is in seconds and must not go back. */
  update(time: number, boxes: readonly Box[]): TrackerUpdate {
    if (!Number.isFinite(time) || time < this.lastTime)
      throw new RangeError(`FaceTracker: time ${time} is before the last frame's (${this.lastTime})`);
    this.lastTime = time;
    const { maxGapSeconds, minIou, maxCentreDistance } = this.options;
    const predicted = this.tracks.map((t) => predict(t, time, maxGapSeconds));
    const cost = predicted.map((p) =>
      boxes.map((b) => {
        const overlap = iou(p, b);
        const distance = Math.hypot(centreX(p) - centreX(b), centreY(p) - centreY(b)) / Math.sqrt(p.w * p.h);
        // Both terms are about 0 for the same face and grow apart; a pair outside both gates is forbidden.
        return overlap >= minIou || distance <= maxCentreDistance ? 1 - overlap + distance : Infinity;
      }),
    );
    const pairs = assign(cost);
    const ids = new Array<number>(boxes.length).fill(0);
    pairs.forEach((j, i) => {
      if (j < 0) return;
      const t = this.tracks[i];
      const dt = time - t.lastSeen;
      if (dt > 0) {
        // Half old, half new: one detection's jitter moves the prediction only a little.
        t.vx = (t.vx + (centreX(boxes[j]) - centreX(t.box)) / dt) / 2;
        t.vy = (t.vy + (centreY(boxes[j]) - centreY(t.box)) / dt) / 2;
      }
      t.box = { ...boxes[j] };
      t.lastSeen = time;
      ids[j] = t.id;
    });
    // A track ends when a frame without it comes more than maxGapSeconds after it was last seen: only
    // frames that lack the face count, so a slow analysis (frames over a second apart) keeps its ids.
    const ended: number[] = [];
    this.tracks = this.tracks.filter((t) => {
      const alive = time - t.lastSeen <= maxGapSeconds;
      if (!alive) ended.push(t.id);
      return alive;
    });
    boxes.forEach((b, j) => {
      if (ids[j]) return;
      const track: TrackState = { id: this.nextId++, box: { ...b }, lastSeen: time, vx: 0, vy: 0 };
      this.tracks.push(track);
      ids[j] = track.id;
    });
    return { ids, ended };
  }
}

const centreX = (b: Box) => b.x + b.w / 2;
const centreY = (b: Box) => b.y + b.h / 2;

/** Where the track's box should be at `time`, moving at its recent velocity (for at most `horizon` seconds). */
function predict(t: TrackState, time: number, horizon: number): Box {
  const dt = Math.min(time - t.lastSeen, horizon);
  return { ...t.box, x: t.box.x + t.vx * dt, y: t.box.y + t.vy * dt };
}
