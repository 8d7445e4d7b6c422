/**
 * The face detector's contract: BlazeFace "back" (MediaPipe's 256x256 short-range face detector),
 * converted from the tfjs graph model in @vladmandic/human to model/blazeface.onnx by
 * tools/blazeface. One place for the facts both the converter and the runtime code rely on.
 */

/** Side of the square RGB input, in pixels. */
export const DETECTOR_SIZE = 256;

/** ONNX input: float32 [1, 3, 256, 256], RGB planes (NCHW), each value p / 127.5 - 1. */
export const DETECTOR_INPUT = 'input';

/** ONNX output: float32 [1, 896, 1], one logit per anchor (sigmoid gives the face score). */
export const DETECTOR_SCORES = 'scores';

/**
 * ONNX output: float32 [1, 896, 16] per anchor: box centre offset (dx, dy) from the anchor and box
 * size (w, h), then 6 keypoints (x, y) offsets (right eye, left eye, nose, mouth, right ear, left
 * ear), all in input pixels.
 */
export const DETECTOR_BOXES = 'boxes';

export const DETECTOR_VALUES_PER_ANCHOR = 16;

/**
 * Anchor layout of the back model (MediaPipe's SSD anchor options for it): a 16x16 grid (stride 16)
 * with 2 anchors per cell, then an 8x8 grid (stride 32) with 6 per cell; 512 + 384 = 896. The
 * model regresses boxes in pixels, so anchors are only centres: no anchor size is used.
 */
export const DETECTOR_ANCHOR_LAYERS: readonly { stride: number; perCell: number }[] = [
  { stride: 16, perCell: 2 },
  { stride: 32, perCell: 6 },
];

export const DETECTOR_ANCHORS = DETECTOR_ANCHOR_LAYERS.reduce((n, l) => n + (DETECTOR_SIZE / l.stride) ** 2 * l.perCell, 0);
