/** From a detector's candidates (one run or several) to faces: non-maximum suppression, any detector. */
import type { Box } from '../box.ts';
import { type Candidate, type DetectedFace, KEYPOINT_NAMES, type Keypoints } from './detector.ts';

function intersection(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return ix * iy;
}

export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** The fraction of a's area that lies inside b. */
export function containedIn(a: Box, b: Box): number {
  const area = a.w * a.h;
  return area > 0 ? intersection(a, b) / area : 0;
}

/**
 * Drops every candidate whose box lies more than maxContained inside the box of a better-scoring
 * one: a face is not found inside another face, but a detector that sees a face filling the frame
 * also fires on parts of it (the mouth and chin, half the face). Input by descending score.
 */
export function dropContained(byScore: Candidate[], maxContained: number): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of byScore) if (!kept.some((k) => containedIn(c.box, k.box) > maxContained)) kept.push(c);
  return kept;
}

/**
 * MediaPipe's "weighted" NMS, the one this model ships with: take the best remaining candidate,
 * gather every candidate overlapping it by more than iouThreshold, and answer the score-weighted
 * mean of their boxes and keypoints with the best one's score. Averaging the neighbouring anchors'
 * boxes gives steadier boxes than keeping only the best anchor. Result is by descending score.
 */
export function weightedNms(candidates: Candidate[], iouThreshold: number): Candidate[] {
  const rest = [...candidates].sort((a, b) => b.score - a.score);
  const out: Candidate[] = [];
  while (rest.length) {
    const best = rest[0];
    const cluster: Candidate[] = [];
    const keep: Candidate[] = [];
    for (const c of rest) (iou(best.box, c.box) > iouThreshold || c === best ? cluster : keep).push(c);
    let total = 0;
    const box = { x: 0, y: 0, w: 0, h: 0 };
    const sums = KEYPOINT_NAMES.map(() => ({ x: 0, y: 0 }));
    for (const c of cluster) {
      total += c.score;
      box.x += c.box.x * c.score;
      box.y += c.box.y * c.score;
      box.w += c.box.w * c.score;
      box.h += c.box.h * c.score;
      KEYPOINT_NAMES.forEach((name, k) => {
        sums[k].x += c.keypoints[name].x * c.score;
        sums[k].y += c.keypoints[name].y * c.score;
      });
    }
    const keypoints = {} as Keypoints;
    KEYPOINT_NAMES.forEach((name, k) => {
      keypoints[name] = { x: sums[k].x / total, y: sums[k].y / total };
    });
    out.push({ box: { x: box.x / total, y: box.y / total, w: box.w / total, h: box.h / total }, score: best.score, keypoints });
    rest.length = 0;
    rest.push(...keep);
  }
  return out;
}

/**
 * Candidates (upright full-size pixels, from one or several detector runs) -> faces: weighted NMS,
 * parts of faces dropped, boxes clipped to the image and rounded, largest first.
 */
export function facesFromCandidates(
  candidates: Candidate[],
  image: { width: number; height: number },
  opts: { iouThreshold: number; maxContained: number; maxFaces: number },
): DetectedFace[] {
  const faces: DetectedFace[] = [];
  for (const c of dropContained(weightedNms(candidates, opts.iouThreshold), opts.maxContained)) {
    const box = clipBox(c.box, image);
    if (box) faces.push({ box, score: c.score, keypoints: c.keypoints });
  }
  return faces.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h || b.score - a.score).slice(0, Math.max(0, opts.maxFaces));
}

/** A box clipped to the image and rounded; null when nothing is left. */
function clipBox(b: Box, image: { width: number; height: number }): Box | null {
  const x0 = Math.max(0, Math.round(b.x));
  const y0 = Math.max(0, Math.round(b.y));
  const x1 = Math.min(image.width, Math.round(b.x + b.w));
  const y1 = Math.min(image.height, Math.round(b.y + b.h));
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
