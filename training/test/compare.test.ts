/** `npm run compare`: a candidate's figures beside the committed model's, in one table. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelCard } from '@emotion/core/artifacts';
import { compareModels, formatComparison } from '../src/compare.ts';
import { FER, needsShared, SHARED } from './helpers.ts';

const MODEL_DIR = new URL('../../model/', import.meta.url).pathname;
const MODEL_ONNX = join(MODEL_DIR, 'scratchcnn.onnx');
const PHOTOS = join(SHARED, 'photos');

describe('compare', { skip: needsShared(FER) || needsShared(PHOTOS) }, () => {
  it("reproduces the committed card's validation figures, and the photo set's, a row per model", async () => {
    const card = JSON.parse(readFileSync(join(MODEL_DIR, 'model-card.json'), 'utf8')) as ModelCard;
    const rows = await compareModels([MODEL_ONNX], { data: FER, photoDirs: [PHOTOS] });
    assert.equal(rows.length, 1);
    const [r] = rows;
    assert.equal(r.n, card.validation.n);
    assert.equal(r.accuracy, card.validation.accuracy);
    assert.equal(r.tta_accuracy, card.validation.tta_accuracy);
    // The card's light figures are with flip TTA too, after the set as it is.
    assert.deepEqual(
      r.light,
      card.validation.light!.slice(1).map((l) => l.accuracy),
    );
    assert.ok(r.disgust_recall > 0.5, `disgust recall ${r.disgust_recall}`);
    const [photos] = r.photos;
    assert.equal(photos.clear, null, 'photos/ is labelled by file names: no clear subset');
    assert.equal(photos.all.n, 7);
    assert.ok(photos.kept.every((k) => k >= 0 && k <= photos.faces) && photos.faces >= 7);

    const table = formatComparison([r, { ...r, model: '/elsewhere/export/scratchcnn.onnx' }]).split('\n');
    assert.equal(table.length, 4, 'a header, its rule and a row per model');
    assert.match(table[2], /^\| model\/scratchcnn\.onnx \| 0\.\d{4} \/ 0\.\d{4} \|/);
    assert.match(table[3], /^\| export\/scratchcnn\.onnx \|/);
    assert.equal(table[0].split('|').length, table[2].split('|').length, 'as many cells as columns');
  });
});
