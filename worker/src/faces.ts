/**
 * Face detection for POST /classify: core's runtime-neutral BlazeFace pipeline (@emotion/core/faces:
 * letterbox, ONNX, anchors, NMS) on this isolate's onnxruntime-web session, and the classifier's
 * aligned crop of each face. The defaults are core's measured ones (tools/blazeface/README.md).
 */
import type { ImageSource, ScaledImage } from '@emotion/core';
import {
  alignedInput,
  DEFAULT_ALIGN_FRAMING,
  DEFAULT_DETECTION_OPTIONS,
  DETECTOR_SIZE,
  faceQuality,
  findFaces,
  namedLandmarks,
  rollDegrees,
  TILE_ABOVE_SIDE,
  type Face,
} from '@emotion/core/faces';
import { getEngine } from './engine.ts';
import { LIMITS, type FaceRegion } from '@emotion/core/api';

/** A region to classify: the face's box, the box of source pixels the classifier's crop reads, and what the detector found. */
export type Region = FaceRegion;

/** Which faces detection keeps (request parameters). */
export interface FaceFilter {
  maxFaces: number;
  /** Faces scoring below this are dropped (the detector's threshold by default). */
  minDetectionScore: number;
  /** Faces whose box is smaller than this many pixels on its longer side are dropped (0: none). */
  minFaceSize: number;
}

/** Every face in the image, largest first, at most maxFaces (found in the detection image and its tiles). */
export async function detectFaces(source: ImageSource, detectionImage: ScaledImage, filter: FaceFilter): Promise<Face[]> {
  const { detector } = await getEngine();
  const { faces } = await findFaces(source, detector, { maxFaces: LIMITS.maxFaces, scoreThreshold: filter.minDetectionScore }, detectionImage);
  return faces.filter((f) => Math.max(f.box.w, f.box.h) >= filter.minFaceSize).slice(0, filter.maxFaces);
}

/** A detected face's region and its model input: the aligned crop, decoded at the scale its size needs. */
export function faceRegion(source: ImageSource, face: Face, detectionImage: ScaledImage): { region: Region; input: Float32Array } {
  const { input, crop, side } = alignedInput(source, face.keypoints, detectionImage);
  return {
    region: {
      box: face.box,
      crop,
      detection_score: face.score,
      landmarks: namedLandmarks(face.keypoints),
      pose: { roll: rollDegrees(face.keypoints) },
      quality: faceQuality(input, side),
    },
    input,
  };
}

export const NO_FACE_MESSAGE =
  'No face was found in this image. Send box=x,y,w,h to classify a region of it, or detect=false to classify the whole image.';

/** What GET /model says about the detector. */
export const DETECTOR_INFO = {
  name: 'BlazeFace',
  variant: 'back (MediaPipe short-range face detector, 256x256), converted to ONNX (model/blazeface.onnx)',
  input_size: DETECTOR_SIZE,
  input: 'the whole image letterboxed into 256x256 RGB, area-averaged, scaled to [-1, 1]; images over tile_above_side px also in overlapping square tiles of half the longest side, merged by NMS',
  tile_above_side: TILE_ABOVE_SIDE,
  score_threshold: DEFAULT_DETECTION_OPTIONS.scoreThreshold,
  iou_threshold: DEFAULT_DETECTION_OPTIONS.iouThreshold,
  alignment: {
    eye_centre: DEFAULT_ALIGN_FRAMING.eyeCentre,
    eye_mouth: Number(DEFAULT_ALIGN_FRAMING.eyeMouth.toFixed(2)),
    size: DEFAULT_ALIGN_FRAMING.size,
  },
  crop: `aligned as FER2013's faces are: rotated so the eyes are level, scaled and moved so that the eyes' centre lands at alignment.eye_centre and the mouth alignment.eye_mouth px below it in the ${DEFAULT_ALIGN_FRAMING.size}x${DEFAULT_ALIGN_FRAMING.size} input (fitted on FER2013, core/src/faces/align.ts); each face's \`crop\` is the box of source pixels that crop reads`,
  max_faces: { default: LIMITS.defaultMaxFaces, max: LIMITS.maxFaces },
  license: 'weights from MediaPipe (Apache-2.0), via @vladmandic/human (MIT)',
} as const;
