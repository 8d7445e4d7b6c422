/**
 * npm run bench -w tools/blazeface: detection time per photo in Node (onnxruntime-node, one
 * thread), by stage, median of repeated runs. Prints a table.
 */
import { performance } from 'node:perf_hooks';
import { decodeRgba } from '@emotion/core/decode';
import { prepareDetectorInput } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { rgbaToGray } from '@emotion/core/pixels';
import * as ort from 'onnxruntime-node';
import { facesOfOutputs } from './detect.ts';
import { groupPhotos, labelledPhotos, tightCrops } from './photos.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function time<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

const detector = await openFaceDetector(ort);
const photos = [...groupPhotos(), ...labelledPhotos(), tightCrops()[0]];
console.log(`Median of ${RUNS} runs per photo, after one warm-up run; onnxruntime-node ${ort.env.versions.common}, 1 thread.`);
console.log(
  '\n| photo | size | faces | decode RGBA | gray for the classifier | letterbox + resize | ONNX inference | anchors + NMS | detection total (no decode) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const totals: number[] = [];
const infers: number[] = [];
for (const p of photos) {
  const t = { decode: [] as number[], gray: [] as number[], prep: [] as number[], infer: [] as number[], post: [] as number[] };
  let faces = 0;
  let size = '';
  for (let r = 0; r <= RUNS; r++) {
    const [img, decode] = await time(() => decodeRgba(p.bytes));
    const [, gray] = await time(() => rgbaToGray(img.data, img.width, img.height));
    const [input, prep] = await time(() => prepareDetectorInput(img));
    const [raw, infer] = await time(() => detector.run(input));
    const [found, post] = await time(() => facesOfOutputs(raw, input.transform));
    if (r === 0) continue;
    Object.entries({ decode, gray, prep, infer, post }).forEach(([k, v]) => t[k as keyof typeof t].push(v));
    faces = found.length;
    size = `${img.width}x${img.height}`;
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<keyof typeof t, number>;
  const total = m.prep + m.infer + m.post;
  totals.push(total);
  infers.push(m.infer);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `| ${p.name} | ${size} | ${faces} | ${ms(m.decode)} | ${ms(m.gray)} | ${ms(m.prep)} | ${ms(m.infer)} | ${ms(m.post)} | ${ms(total)} |`,
  );
}
console.log(
  `\nAcross the ${photos.length} photos: detection ${median(totals).toFixed(1)} ms median (${Math.min(...totals).toFixed(1)}-${Math.max(...totals).toFixed(1)}), of which ONNX inference ${median(infers).toFixed(1)} ms.`,
);
