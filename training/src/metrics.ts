/** Loss and accuracy from flat [n * 7] logits. */
import { NUM_CLASSES } from '@emotion/core/classes';

export function softmaxRow(logits: Float32Array, row: number): Float64Array {
  const p = new Float64Array(NUM_CLASSES);
  let max = -Infinity;
  for (let k = 0; k < NUM_CLASSES; k++) max = Math.max(max, logits[row * NUM_CLASSES + k]);
  let sum = 0;
  for (let k = 0; k < NUM_CLASSES; k++) sum += p[k] = Math.exp(logits[row * NUM_CLASSES + k] - max);
  for (let k = 0; k < NUM_CLASSES; k++) p[k] /= sum;
  return p;
}

export function crossEntropy(logits: Float32Array, labels: Uint8Array): { loss: number; accuracy: number } {
  const n = logits.length / NUM_CLASSES;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = softmaxRow(logits, i);
    loss -= Math.log(Math.max(p[labels[i]], 1e-12));
    let best = 0;
    for (let k = 1; k < NUM_CLASSES; k++) if (p[k] > p[best]) best = k;
    if (best === labels[i]) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}
