/**
 * The seam between face detection and the rest of the pipeline: what any detector answers. The
 * model behind it (anchors, tensor layout, input size: ./blazeface.ts) stays behind it; merging
 * overlapping candidates (./nms.ts), tiles (./find.ts) and alignment (./align.ts, by keypoint name)
 * are the same for any detector. Another detector is one new file implementing FaceDetector, plus
 * the alignment constants measured with its keypoints (./align.ts).
 */
import type { Box } from '../box.ts';
import type { ScaledImage } from '../image-source.ts';

export interface Point {
  x: number;
  y: number;
}

/** The keypoints a detector names (the subject's right eye is on the image's left). */
export const KEYPOINT_NAMES = ['right_eye', 'left_eye', 'nose_tip', 'mouth', 'right_ear', 'left_ear'] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];
/** Keypoints by name, in pixels of the upright full-size image. */
export type Keypoints = Record<KeypointName, Point>;

/** One detection before overlapping ones are merged: upright full-size pixels, unclipped. */
export interface Candidate {
  box: Box;
  /** In [0, 1]. */
  score: number;
  keypoints: Keypoints;
}

/** A face as detection answers it: candidates merged, its box clipped to the image and in whole pixels. */
export interface DetectedFace {
  box: Box;
  /** Detection score in [0, 1]. */
  score: number;
  keypoints: Keypoints;
}

export interface FaceDetector {
  /**
   * Every candidate scoring at least `minScore` in an image as read for detection (RGBA), or in
   * `region` of it (upright full-size pixels: a tile, seen on its own as if the rest were not
   * there), in upright full-size pixels.
   */
  detect(image: ScaledImage, options: { minScore: number; region?: Box }): Promise<Candidate[]>;
}
