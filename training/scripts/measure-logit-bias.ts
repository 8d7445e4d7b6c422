/**
 * `npm run measure:logit-bias -w training [-- <run folder> [<fer2013 folder>]]`: the export's
 * --logit-bias for the rarest class. Exports the run's best weights without one (to a temporary
 * folder), then on PublicTest, plain and with flip TTA as the API answers, the accuracy and the
 * disgust recall and precision for offsets 0 to 1 added to the disgust logit; and the rule that
 * chose the committed value: the smallest offset at which the flip-TTA disgust recall exceeds 0.5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLASSES, NUM_CLASSES } from '@emotion/core/classes';
import { mirrorInputs } from '@emotion/core/pixels';
import { DEFAULT_DATA } from '../src/data.ts';
import { exportRun, MODEL_FILES } from '../src/export.ts';
import { loadLabelledInputs } from '../src/labelled-images.ts';
import { openModel } from '../src/onnx-runner.ts';

const run = resolve(process.argv[2] ?? 'runs/fer2013-ft2');
const data = process.argv[3] ?? DEFAULT_DATA;
const CLASS = CLASSES.indexOf('disgust');
const RECALL_ABOVE = 0.5;

const dir = mkdtempSync(join(tmpdir(), 'logit-bias-'));
await exportRun(run, { out: dir, evaluate: false });
const session = await openModel(join(dir, MODEL_FILES.onnx));
const val = loadLabelledInputs(data, 'val');
const plain = await session.logits(val.inputs, val.n);
const mirrored = await session.logits(mirrorInputs(val.inputs), val.n);
await session.release();
rmSync(dir, { recursive: true });

function probs(logits: Float32Array, i: number, offset: number): number[] {
  const z = Array.from({ length: NUM_CLASSES }, (_, k) => logits[i * NUM_CLASSES + k] + (k === CLASS ? offset : 0));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function score(offset: number, tta: boolean) {
  let right = 0,
    hits = 0,
    predicted = 0,
    support = 0;
  for (let i = 0; i < val.n; i++) {
    const p = probs(plain, i, offset);
    if (tta) probs(mirrored, i, offset).forEach((q, k) => (p[k] = (p[k] + q) / 2));
    const top = p.indexOf(Math.max(...p));
    const y = val.labels[i];
    if (top === y) right++;
    if (y === CLASS) support++;
    if (top === CLASS) predicted++;
    if (top === CLASS && y === CLASS) hits++;
  }
  return { accuracy: right / val.n, recall: hits / support, precision: hits / Math.max(1, predicted), hits, support };
}

console.log(`${run} on PublicTest (${val.n} images): disgust logit + offset`);
console.log('offset | accuracy | TTA accuracy | TTA disgust recall | TTA disgust precision');
let chosen: number | null = null;
for (let step = 0; step <= 10; step++) {
  const offset = step / 10;
  const p = score(offset, false);
  const t = score(offset, true);
  console.log(
    `  ${offset.toFixed(1)} | ${p.accuracy.toFixed(4)} | ${t.accuracy.toFixed(4)} | ${t.recall.toFixed(3)} (${t.hits}/${t.support}) | ${t.precision.toFixed(3)}`,
  );
  if (chosen === null && t.recall > RECALL_ABOVE) chosen = offset;
}
console.log(`Smallest offset with flip-TTA disgust recall above ${RECALL_ABOVE}: ${chosen ?? 'none up to 1'}`);
