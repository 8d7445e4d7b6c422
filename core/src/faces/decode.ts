/** From the detector's raw outputs to faces in image pixels. */
import type { Box } from '../box.ts';
import { detectorAnchors } from './anchors.ts';
import type { DetectorTransform } from './input.ts';
import { DETECTOR_ANCHORS, DETECTOR_VALUES_PER_ANCHOR } from './model.ts';
import type { Candidate } from './nms.ts';
import { dropContained, weightedNms } from './nms.ts';

/** The detector's two outputs, as flat arrays. */
export interface RawDetections {
  /** [896] logits. */
  scores: Float32Array;
  /** [896 * 16] box and keypoint regressions. */
  boxes: Float32Array;
}

export interface Point {
  x: number;
  y: number;
}

export interface Face {
  /** The face box in pixels of the oriented image, clipped to it, whole pixels. */
  box: Box;
  /** Detection score in [0, 1]. */
  score: number;
  /** Subject's right eye, left eye, nose tip, mouth centre, right ear, left ear (image pixels). */
  keypoints: Point[];
}

export interface DetectionOptions {
  /** Faces scoring below this are dropped. */
  scoreThreshold: number;
  /** Overlapping detections above this IoU are merged into one face. */
  iouThreshold: number;
  /** At most this many faces, the largest ones. */
  maxFaces: number;
  /** A face with more than this fraction of its box inside a better-scoring face is dropped (1: never). */
  maxContained: number;
}

/**
 * Measured on ../shared/photos (tools/blazeface: npm run measure; README there): real faces score
 * 0.69-0.95 on the 12 full photos and 0.57-0.95 on the 40 tight crops, every other box at most
 * 0.48, so every threshold from 0.49 to 0.56 counts all of them right. 0.5 is also MediaPipe's own
 * setting for this model, as is the IoU of 0.3. maxContained 0.5 removes the part-of-a-face boxes
 * the model adds on crops where the face fills the frame (19 of 40 crops at threshold 0.4).
 */
export const DEFAULT_DETECTION_OPTIONS: DetectionOptions = { scoreThreshold: 0.5, iouThreshold: 0.3, maxFaces: 20, maxContained: 0.5 };

/** MediaPipe clips logits to +-100 before the sigmoid. */
const LOGIT_CLIP = 100;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, x))));

export function decodeDetections(raw: RawDetections, t: DetectorTransform, options: Partial<DetectionOptions> = {}): Face[] {
  const opts = { ...DEFAULT_DETECTION_OPTIONS, ...options };
  return facesFromCandidates(detectionCandidates(raw, t, opts.scoreThreshold), t, opts);
}

/** Every anchor scoring at least `scoreThreshold`, its box and keypoints in image pixels (t applied). */
export function detectionCandidates(raw: RawDetections, t: DetectorTransform, scoreThreshold: number): Candidate[] {
  if (raw.scores.length !== DETECTOR_ANCHORS || raw.boxes.length !== DETECTOR_ANCHORS * DETECTOR_VALUES_PER_ANCHOR) {
    throw new Error(`detector outputs have ${raw.scores.length} scores and ${raw.boxes.length} box values`);
  }
  const anchors = detectorAnchors();
  const candidates: Candidate[] = [];
  for (let i = 0; i < DETECTOR_ANCHORS; i++) {
    const score = sigmoid(raw.scores[i]);
    if (score < scoreThreshold) continue;
    const r = raw.boxes.subarray(i * DETECTOR_VALUES_PER_ANCHOR, (i + 1) * DETECTOR_VALUES_PER_ANCHOR);
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const cx = ax + r[0];
    const cy = ay + r[1];
    const points: number[] = [];
    for (let k = 4; k < DETECTOR_VALUES_PER_ANCHOR; k += 2)
      points.push((ax + r[k]) * t.scaleX + t.offsetX, (ay + r[k + 1]) * t.scaleY + t.offsetY);
    const box = {
      x: (cx - r[2] / 2) * t.scaleX + t.offsetX,
      y: (cy - r[3] / 2) * t.scaleY + t.offsetY,
      w: r[2] * t.scaleX,
      h: r[3] * t.scaleY,
    };
    candidates.push({ box, score, points });
  }
  return candidates;
}

/**
 * Candidates (image pixels, from one or several detector runs) -> faces: weighted NMS, parts of
 * faces dropped, boxes clipped to the image (t.width x t.height) and rounded, largest first.
 */
export function facesFromCandidates(candidates: Candidate[], t: { width: number; height: number }, opts: DetectionOptions): Face[] {
  const faces: Face[] = [];
  for (const c of dropContained(weightedNms(candidates, opts.iouThreshold), opts.maxContained)) {
    const box = clipBox(c.box, t);
    if (!box) continue;
    const keypoints: Point[] = [];
    for (let k = 0; k < c.points.length; k += 2) keypoints.push({ x: c.points[k], y: c.points[k + 1] });
    faces.push({ box, score: c.score, keypoints });
  }
  return faces.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h || b.score - a.score).slice(0, Math.max(0, opts.maxFaces));
}

/** A box in image pixels clipped to the image and rounded; null when nothing is left. */
function clipBox(b: Box, t: { width: number; height: number }): Box | null {
  const x0 = Math.max(0, Math.round(b.x));
  const y0 = Math.max(0, Math.round(b.y));
  const x1 = Math.min(t.width, Math.round(b.x + b.w));
  const y1 = Math.min(t.height, Math.round(b.y + b.h));
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
