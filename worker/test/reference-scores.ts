/**
 * What the Worker's scores should be, from onnxruntime-node on the same model input: the softmax of
 * the crop's logits, or with flip TTA (the Worker's default) the mean of the crop's and its mirror's.
 */
import * as ort from 'onnxruntime-node';
import { mirrorInputs } from '@emotion/core';

function softmax(logits: ArrayLike<number>): number[] {
  const l = Array.from(logits);
  const max = Math.max(...l);
  const e = l.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export async function referenceScores(session: ort.InferenceSession, input: Float32Array, tta = true): Promise<number[]> {
  const run = async (x: Float32Array) => softmax((await session.run({ input: new ort.Tensor('float32', x, [1, 1, 48, 48]) })).logits.data as Float32Array);
  const plain = await run(input);
  if (!tta) return plain;
  const mirrored = await run(mirrorInputs(input));
  return plain.map((p, i) => (p + mirrored[i]) / 2);
}
