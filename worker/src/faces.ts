/**
 * What the worker says of face detection: GET /model's account (the message when none is found is core's)
 * of the detector. Detection itself is core's (analyzeImage in @emotion/core, on this isolate's
 * onnxruntime-web session); the defaults are core's measured ones (tools/blazeface/README.md).
 */

import { DEFAULT_PARAMS, LIMITS } from '@emotion/core/api';
import { DEFAULT_ALIGN_FRAMING, DEFAULT_DETECTION_OPTIONS, DETECTOR_SIZE, TILE_ABOVE_SIDE } from '@emotion/core/faces';

/** What GET /model says about the detector. */
export const DETECTOR_INFO = {
  name: 'BlazeFace',
  variant: 'back (MediaPipe short-range face detector, 256x256), converted to ONNX (model/blazeface.onnx)',
  input_size: DETECTOR_SIZE,
  input:
    'the whole image letterboxed into 256x256 RGB, area-averaged, scaled to [-1, 1]; images over tile_above_side px also in overlapping square tiles of half the longest side, merged by NMS',
  tile_above_side: TILE_ABOVE_SIDE,
  score_threshold: DEFAULT_DETECTION_OPTIONS.scoreThreshold,
  iou_threshold: DEFAULT_DETECTION_OPTIONS.iouThreshold,
  alignment: {
    eye_centre: DEFAULT_ALIGN_FRAMING.eyeCentre,
    eye_mouth: Number(DEFAULT_ALIGN_FRAMING.eyeMouth.toFixed(2)),
    size: DEFAULT_ALIGN_FRAMING.size,
  },
  crop: `aligned as FER2013's faces are: rotated so the eyes are level, scaled and moved so that the eyes' centre lands at alignment.eye_centre and the mouth alignment.eye_mouth px below it in the ${DEFAULT_ALIGN_FRAMING.size}x${DEFAULT_ALIGN_FRAMING.size} input (fitted on FER2013, core/src/faces/align.ts); each face's \`crop\` is the box of source pixels that crop reads`,
  max_faces: { default: DEFAULT_PARAMS.max_faces, max: LIMITS.maxFaces },
  license: 'weights from MediaPipe (Apache-2.0), via @vladmandic/human (MIT)',
} as const;
