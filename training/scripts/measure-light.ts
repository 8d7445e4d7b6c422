/**
 * `npm run measure:light -w training [-- --model X --photos DIR --data FER2013]`: how the model's
 * answers survive dim light and a gamma curve (src/light-eval.ts), on the photo sets' largest
 * faces (label kept) and on PublicTest (accuracy, and how often "sad" is answered).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedPath } from '@emotion/core/shared-data';
import { DEFAULT_DATA } from '../src/data.ts';
import { loadLabelledInputs } from '../src/labelled-images.ts';
import { labelledLightAccuracy, photoLightSurvival } from '../src/light-eval.ts';
import { MODEL_DIR, openModel } from '../src/onnx-runner.ts';
import { detectPhotos } from '../src/photo-eval.ts';

const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: join(MODEL_DIR, 'scratchcnn.onnx') },
    photos: { type: 'string', multiple: true, default: [sharedPath('photos-dev'), sharedPath('photos')] },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
const classifier = await openModel(resolve(v.model!));
console.log(`Model ${v.model}`);
for (const dir of v.photos!) {
  const photos = await detectPhotos(dir);
  for (const r of await photoLightSurvival(classifier, photos)) {
    const pct = ((100 * r.kept) / r.faces).toFixed(1);
    console.log(`${dir}: ${r.light}: label kept on ${r.kept}/${r.faces} largest faces (${pct}%)`);
    for (const c of r.changed) console.log(`    ${c.photo}: ${c.from} -> ${c.to}`);
  }
}
const set = loadLabelledInputs(v.data!, 'val');
for (const r of await labelledLightAccuracy(classifier, set)) {
  console.log(`PublicTest (${set.n}), flip TTA, ${r.light}: accuracy ${r.accuracy}, answered sad ${(r.predicted.sad * 100).toFixed(1)}%`);
}
await classifier.release();
