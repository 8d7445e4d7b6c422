import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend.ts';
import { initWeights } from '../src/model.ts';
import { trainStep } from '../src/step.ts';

await selectBackend('wasm');
const w = initWeights(1);
const B = Number(process.env.B ?? 64);
const x = new Float32Array(B * 48 * 48).map(() => Math.random() * 2 - 1);
const y = new Uint8Array(B).map(() => Math.floor(Math.random() * 7));
trainStep(w, x, y, B, 1, 0.1);
const prof = await tf.profile(() => {
  trainStep(w, x, y, B, 1, 0.1);
});
const agg = new Map<string, number>();
const rows: [string, number][] = [];
for (const k of prof.kernels) {
  const ms = k.kernelTimeMs as number;
  agg.set(k.name, (agg.get(k.name) ?? 0) + ms);
  rows.push([`${k.name} ${JSON.stringify(k.inputShapes)}`, ms]);
}
console.log(
  [...agg]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, v]) => `${k}: ${v.toFixed(1)}`)
    .join('\n'),
);
console.log('---');
console.log(
  rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, v]) => `${v.toFixed(1)} ${k}`)
    .join('\n'),
);
