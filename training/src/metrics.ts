/** Loss and accuracy from flat [n * 7] logits. */
import { NUM_CLASSES } from '@emotion/core/classes';
import { argmax, softmax } from '@emotion/core/maths';

export function crossEntropy(logits: Float32Array, labels: Uint8Array): { loss: number; accuracy: number } {
  const n = logits.length / NUM_CLASSES;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = softmax(logits, i * NUM_CLASSES, NUM_CLASSES);
    loss -= Math.log(Math.max(p[labels[i]], 1e-12));
    if (argmax(p) === labels[i]) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}
