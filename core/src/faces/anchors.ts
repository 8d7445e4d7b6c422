import { DETECTOR_ANCHOR_LAYERS, DETECTOR_ANCHORS, DETECTOR_SIZE } from './model.ts';

let cached: Float32Array | null = null;

/**
 * Anchor centres (x, y) in detector input pixels, in the model's output order: row by row, each
 * cell's anchors one after another, layer after layer.
 */
export function detectorAnchors(): Float32Array {
  if (cached) return cached;
  const out = new Float32Array(DETECTOR_ANCHORS * 2);
  let k = 0;
  for (const { stride, perCell } of DETECTOR_ANCHOR_LAYERS) {
    const cells = Math.ceil(DETECTOR_SIZE / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let a = 0; a < perCell; a++) {
          out[k++] = (gx + 0.5) * stride;
          out[k++] = (gy + 0.5) * stride;
        }
      }
    }
  }
  cached = out;
  return out;
}
