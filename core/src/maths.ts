/**
 * The arithmetic of class probabilities, written once: softmax in float64, argmax, and the mean of
 * two probability rows (flip test-time augmentation). Used by the classifier, training's metrics
 * and reports, and the tools.
 */

/** Softmax in float64 of `width` logits starting at `offset` (the max is subtracted first, so large logits cannot overflow). */
export function softmax(logits: ArrayLike<number>, offset = 0, width = logits.length - offset): Float64Array {
  const p = new Float64Array(width);
  let max = -Infinity;
  for (let k = 0; k < width; k++) max = Math.max(max, logits[offset + k]);
  let sum = 0;
  for (let k = 0; k < width; k++) sum += p[k] = Math.exp(logits[offset + k] - max);
  for (let k = 0; k < width; k++) p[k] /= sum;
  return p;
}

/** Softmax of each row of flat [n * width] logits: flat [n * width] probabilities. */
export function softmaxRows(logits: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i += width) out.set(softmax(logits, i, width), i);
  return out;
}

/** The index of the largest of `width` values starting at `offset`; the first one on a tie. */
export function argmax(values: ArrayLike<number>, offset = 0, width = values.length - offset): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

/** The element-wise mean of two probability arrays of one length (a view and its mirror's). */
export function meanOf(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`meanOf: lengths differ (${a.length} and ${b.length})`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] + b[i]) / 2;
  return out;
}
