/**
 * The JSON answers of the API, as /openapi.json describes them: POST /classify's faces and the
 * envelope around them, GET /healthz. New per-face fields go in `Face` (and its schema).
 */

import type { Box } from '../box.ts';
import type { Emotion } from '../classes.ts';
import type { Landmarks } from '../faces/landmarks.ts';
import type { FaceQuality } from '../faces/quality.ts';

export type { Point } from '../faces/detector.ts';
export type { Box, FaceQuality, Landmarks };

/** Softmax probability of every class; they sum to 1. */
export type Scores = Record<Emotion, number>;

export interface Pose {
  /** Degrees from the eyes, positive when the face is turned clockwise in the image. */
  roll: number;
}

/** Where a face's region came from: the detector, or not (a given box, the whole image). */
export interface FaceRegion {
  /** The face as detected (clipped to the image), the given box, or the whole image. */
  box: Box;
  /** The box of source pixels the classifier's crop reads; for a region not detected, `box` itself. */
  crop: Box;
  /** null when the region was not found by the detector (a given box, or the whole image). */
  detection_score: number | null;
  /** BlazeFace's six keypoints by name, in pixels of the oriented image; null when not detected. */
  landmarks: Landmarks | null;
  /** Head pose; null when not detected. */
  pose: Pose | null;
  /** Size, sharpness, brightness and contrast of the classifier's 48x48 input, with flags (faces/quality.ts); for every region. */
  quality: FaceQuality;
}

/** The classification of one region. */
export interface FaceClassification {
  emotion: Emotion;
  /** The top class's score. */
  confidence: number;
  /** The top score is under UNCERTAIN_BELOW (classes.ts): show "not sure". */
  uncertain: boolean;
  scores: Scores;
}

/** One classified region: each entry of `faces`, and (nullable) the top level of the answer. */
export interface Face extends FaceRegion, FaceClassification {}

/** Where the regions came from: the face detector, the caller's `box`/`boxes`, or the whole image (`detect=false`). */
export type RegionSource = 'detection' | 'box' | 'whole_image';

export type Nullable<T> = { [K in keyof T]: T[K] | null };

/** Server time per stage, in milliseconds. */
export interface Timings {
  decode: number;
  /** Only when the detector ran. */
  detect?: number;
  preprocess: number;
  inference: number;
  /** Only on the request that waited for this isolate's sessions to be created (cold start). */
  model_load?: number;
  total: number;
}

/** The model every answer names. */
export interface ModelId {
  name: string;
  version: string;
  input_size: number;
}

/** POST /classify's 200: the largest face's fields at the top level (all null when none), and every face. */
export interface ClassifyResponse extends Nullable<Face> {
  /** Every region classified, largest face first; [] when detection found no face. */
  faces: Face[];
  /** Why `faces` is empty; null otherwise. */
  message: string | null;
  source: RegionSource;
  /** Whether each face's scores average the crop and its mirror image (flip test-time augmentation). */
  tta: boolean;
  image: { width: number; height: number };
  /**
   * The image's data was damaged and decoded as libjpeg (and so every browser) decodes it: stray
   * bytes before a marker skipped, a broken scan resumed at its next restart marker (the part lost
   * is mid-grey). The answer may be about a partly wrong image. A file cut short is a 400 instead.
   */
  damaged: boolean;
  model: ModelId;
  timings: Timings;
}

/** GET /healthz. */
export interface Health {
  status: 'ok';
  runtime: string;
  model_loaded: boolean;
}
