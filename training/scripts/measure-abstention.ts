/**
 * `npm run measure:abstention -w training [-- <fer2013 folder>]`: the threshold behind the API's
 * `uncertain` (core/src/classes.ts UNCERTAIN_BELOW). On PublicTest with flip TTA, as the API
 * answers, the share of answers whose top probability is at least t and how many of those are
 * right, for t from 0.3 to 0.9, and the lowest t at which the kept answers are at least 80% right.
 */
import { join } from 'node:path';
import { CLASSES } from '@emotion/core/classes';
import { argmax } from '@emotion/core/maths';
import { DEFAULT_DATA } from '../src/data.ts';
import { loadLabelledInputs } from '../src/labelled-images.ts';
import { MODEL_DIR, openModel } from '../src/onnx-runner.ts';

const data = process.argv[2] ?? DEFAULT_DATA;

const val = loadLabelledInputs(data, 'val');
const classifier = await openModel(join(MODEL_DIR, 'scratchcnn.onnx'));
const probs = await classifier.probabilities(val.inputs, val.n, { tta: true });
const rows: { t: number; coverage: number; precision: number }[] = [];
for (let t = 0.3; t <= 0.901; t += 0.05) {
  let kept = 0;
  let right = 0;
  for (let i = 0; i < val.n; i++) {
    const p = probs.subarray(i * CLASSES.length, (i + 1) * CLASSES.length);
    const best = argmax(p);
    if (p[best] >= t) {
      kept++;
      if (best === val.labels[i]) right++;
    }
  }
  rows.push({ t: Number(t.toFixed(2)), coverage: kept / val.n, precision: right / Math.max(1, kept) });
}
console.log('PublicTest, flip TTA: top probability >= t | answered | right among answered');
for (const r of rows) console.log(`  ${r.t.toFixed(2)} | ${(r.coverage * 100).toFixed(1)}% | ${(r.precision * 100).toFixed(1)}%`);
const chosen = rows.find((r) => r.precision >= 0.8);
console.log(
  `Lowest t with at least 80% right: ${chosen ? `${chosen.t} (answers ${(chosen.coverage * 100).toFixed(1)}%, ${(chosen.precision * 100).toFixed(1)}% right)` : 'none'}`,
);
