/**
 * Face detection for POST /classify: core's runtime-neutral BlazeFace pipeline (@emotion/core/faces:
 * letterbox, ONNX, anchors, NMS) on this isolate's onnxruntime-web session, and the classifier's
 * square crop around each face. The defaults are core's measured ones (tools/blazeface/README.md).
 */
import type { Box } from '@emotion/core';
import { DEFAULT_CROP_FACTOR, DEFAULT_DETECTION_OPTIONS, DETECTOR_SIZE, faceCrop, type RgbaImage } from '@emotion/core/faces';
import { getEngine } from './engine.ts';
import { LIMITS } from './limits.ts';

/** A region to classify: the face's box, the square crop the classifier sees, and the detector's score. */
export interface Region {
  box: Box;
  crop: Box;
  /** null when the region was not found by the detector (a given box, or the whole image). */
  detection_score: number | null;
}

/** Every face in the image, largest first, at most maxFaces, each with its classifier crop. */
export async function detectFaceRegions(img: RgbaImage, maxFaces: number): Promise<Region[]> {
  const { detector } = await getEngine();
  const faces = await detector.detect(img, { maxFaces });
  return faces.map((f) => ({ box: f.box, crop: faceCrop(f.box, img, DEFAULT_CROP_FACTOR), detection_score: f.score }));
}

export const NO_FACE_MESSAGE =
  'No face was found in this image. Send box=x,y,w,h to classify a region of it, or detect=false to classify the whole image.';

/** What GET /model says about the detector. */
export const DETECTOR_INFO = {
  name: 'BlazeFace',
  variant: 'back (MediaPipe short-range face detector, 256x256), converted to ONNX (model/blazeface.onnx)',
  input_size: DETECTOR_SIZE,
  input: 'the whole image letterboxed into 256x256 RGB, area-averaged, scaled to [-1, 1]',
  score_threshold: DEFAULT_DETECTION_OPTIONS.scoreThreshold,
  iou_threshold: DEFAULT_DETECTION_OPTIONS.iouThreshold,
  crop_factor: DEFAULT_CROP_FACTOR,
  crop: `a square of crop_factor x the longer side of the face box, centred on it, moved inside the image (clipped where the image is smaller)`,
  max_faces: { default: LIMITS.defaultMaxFaces, max: LIMITS.maxFaces },
  license: 'weights from MediaPipe (Apache-2.0), via @vladmandic/human (MIT)',
} as const;
