/**
 * The per-crop standardization targets (core's STANDARDIZATION): the mean over the training images
 * of each image's luma mean and of each image's luma standard deviation, and how many images fall
 * under the contrast floor.
 *
 *   npx tsx scripts/measure-standardization.ts [--data ../../shared/fer2013]
 */
import { parseArgs } from 'node:util';
import { INPUT_PIXELS } from '@emotion/core/classes';
import { DEFAULT_DATA, loadSplit } from '../src/data.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: DEFAULT_DATA } } });
const ds = loadSplit(values.data as string, 'train');
let meanSum = 0;
let stdSum = 0;
const stds: number[] = [];
for (let i = 0; i < ds.n; i++) {
  const img = ds.images.subarray(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS);
  let s = 0;
  let s2 = 0;
  for (const v of img) {
    s += v;
    s2 += v * v;
  }
  const m = s / INPUT_PIXELS;
  const sd = Math.sqrt(Math.max(0, s2 / INPUT_PIXELS - m * m));
  meanSum += m;
  stdSum += sd;
  stds.push(sd);
}
stds.sort((a, b) => a - b);
const q = (p: number) => stds[Math.floor(p * (stds.length - 1))].toFixed(2);
console.log(`${ds.n} images from ${ds.source}`);
console.log(`mean of per-image means ${(meanSum / ds.n).toFixed(2)}, mean of per-image stds ${(stdSum / ds.n).toFixed(2)}`);
console.log(`per-image std quantiles: p0.1 ${q(0.001)} p1 ${q(0.01)} p5 ${q(0.05)} p50 ${q(0.5)} p95 ${q(0.95)}`);
