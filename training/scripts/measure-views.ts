/**
 * `npm run measure:views -w training [-- --model X --data FER2013]`: test-time views on PublicTest.
 * Each image is seen through a set of geometric views (src/augment.ts warpLuma: shifts in pixels and
 * zooms of the 48x48 frame, each with its mirror); the views' probabilities are averaged. Reports
 * accuracy, macro-F1 and model rows per face for each set, so that the TTA the API serves is chosen
 * on PublicTest with its cost in view.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLASSES, INPUT_PIXELS, NUM_CLASSES } from '@emotion/core/classes';
import { type Geometry, inputInto, RAW_INPUT, warpLuma } from '../src/augment.ts';
import { DEFAULT_DATA, loadSplit } from '../src/data.ts';
import { MODEL_DIR, openModel } from '../src/onnx-runner.ts';
import { classificationReport } from '../src/report.ts';

const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: join(MODEL_DIR, 'scratchcnn.onnx') },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});

type View = Omit<Geometry, 'flip'>;
const id: View = { angle: 0, zoom: 1, tx: 0, ty: 0 };
const shift = (tx: number, ty: number): View => ({ ...id, tx, ty });
const zoom = (z: number): View => ({ ...id, zoom: z });
/** Candidate view sets; every view is also seen mirrored (flip TTA). */
const SETS: Record<string, View[]> = {
  flip: [id],
  'zoom 1.1': [id, zoom(1.1)],
  'zoom 0.9': [id, zoom(0.9)],
  'zoom 0.9/1.1': [id, zoom(0.9), zoom(1.1)],
  'shift 2 (x)': [id, shift(-2, 0), shift(2, 0)],
  'shift 2 (y)': [id, shift(0, -2), shift(0, 2)],
  'shift 2': [id, shift(-2, 0), shift(2, 0), shift(0, -2), shift(0, 2)],
  'shift 3': [id, shift(-3, 0), shift(3, 0), shift(0, -3), shift(0, 3)],
  'ten-crop (corners 2)': [id, shift(-2, -2), shift(2, -2), shift(-2, 2), shift(2, 2)],
  'shift 2 + zoom 0.9/1.1': [id, shift(-2, 0), shift(2, 0), shift(0, -2), shift(0, 2), zoom(0.9), zoom(1.1)],
};

const ds = loadSplit(resolve(v.data!), 'val');
const classifier = await openModel(resolve(v.model!));
console.log(`Model ${v.model}, PublicTest ${ds.n} images`);

/** Probabilities (flip TTA) of every image seen through one view. */
const cache = new Map<string, Float64Array>();
async function viewProbs(view: View): Promise<Float64Array> {
  const key = JSON.stringify(view);
  const hit = cache.get(key);
  if (hit) return hit;
  const inputs = new Float32Array(ds.n * INPUT_PIXELS);
  for (let i = 0; i < ds.n; i++) {
    const src = ds.images.subarray(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS);
    const luma = warpLuma(src, { ...view, flip: false }).map(Math.round);
    inputInto(luma, inputs, i * INPUT_PIXELS, RAW_INPUT); // an exported graph tones and standardizes itself
  }
  const p = await classifier.probabilities(inputs, ds.n, { tta: true });
  cache.set(key, p);
  return p;
}

console.log(`| views (each with its mirror) | rows per face | accuracy | macro-F1 | ${CLASSES.join(' | ')} |`);
console.log(`| --- | --- | --- | --- | ${CLASSES.map(() => '---').join(' | ')} |`);
for (const [name, views] of Object.entries(SETS)) {
  const sum = new Float64Array(ds.n * NUM_CLASSES);
  for (const view of views) {
    const p = await viewProbs(view);
    for (let i = 0; i < sum.length; i++) sum[i] += p[i] / views.length;
  }
  const r = classificationReport(sum, ds.labels);
  const recall = r.per_class.map((c) => c.recall.toFixed(3)).join(' | ');
  console.log(`| ${name} | ${2 * views.length} | ${r.accuracy.toFixed(4)} | ${r.macro_f1.toFixed(4)} | ${recall} |`);
}
await classifier.release();
