import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend.ts';
import { initWeights } from '../src/model.ts';
import { trainStep } from '../src/step.ts';

const info = await selectBackend((process.argv[2] ?? 'wasm') as any);
console.log(info);
const w = initWeights(1);
const B = 64;
const x = new Float32Array(B * 48 * 48).map(() => Math.random() * 2 - 1);
const y = new Uint8Array(B).map(() => Math.floor(Math.random() * 7));
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const r = trainStep(w, x, y, B, 1, 0.1);
  console.log(i, (performance.now() - t0).toFixed(0), 'ms', r.loss, tf.memory().numTensors);
}
