/**
 * `npm run measure:abstention -w training [-- --model X --data FER2013]`: the threshold behind the
 * API's `uncertain` (src/abstention.ts; the export writes the chosen one into the model card,
 * validation.abstention, where the worker, the site and the package read it). On PublicTest with
 * flip TTA, as the API answers: the share of answers whose top probability is at least t and how
 * many of those are right, for t from 0.3 to 0.9, and the lowest t that meets the target.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { abstentionCurve, abstentionThreshold } from '../src/abstention.ts';
import { DEFAULT_DATA } from '../src/data.ts';
import { loadLabelledInputs } from '../src/labelled-images.ts';
import { MODEL_DIR, openModel } from '../src/onnx-runner.ts';

const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: join(MODEL_DIR, 'scratchcnn.onnx') },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
const val = loadLabelledInputs(resolve(v.data!), 'val');
const classifier = await openModel(resolve(v.model!));
const curve = abstentionCurve(await classifier.probabilities(val.inputs, val.n, { tta: true }), val.labels);
await classifier.release();
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(`${v.model} on PublicTest, flip TTA: top probability >= t | answered | right among answered`);
for (const p of curve) console.log(`  ${p.threshold.toFixed(2)} | ${pct(p.answered)} | ${pct(p.right)}`);
const chosen = abstentionThreshold(curve);
console.log(
  `Chosen (the lowest t with at least ${pct(chosen.target)} right, else the highest tried): ${chosen.threshold} (answers ${pct(chosen.answered)}, ${pct(chosen.right)} right)`,
);
console.log(`As the card holds it (validation.abstention): ${JSON.stringify(chosen)}`);
