/** Photo mode of `evaluate`: labels.json, the summary figures, crop modes and TTA views. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { INPUT_SIZE } from '@emotion/core/classes';
import { ALIGN_ZOOM } from '@emotion/core/faces';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { formatPhotoComparison, photoSettings } from '../src/evaluate.ts';
import { photoLightSurvival } from '../src/light-eval.ts';
import { openModel } from '../src/onnx-runner.ts';
import {
  type DetectedPhoto,
  detectPhotos,
  evaluatePhotos,
  faceInputs,
  formatPhotoEvaluation,
  isServed,
  type PhotoEvaluation,
  type PhotoResult,
  parseViews,
  readLabels,
  summarisePhotos,
  VIEW_PRESETS,
} from '../src/photo-eval.ts';
import { needsShared, SHARED } from './helpers.ts';

const MODEL_ONNX = new URL('../../model/scratchcnn.onnx', import.meta.url).pathname;
const DEV = join(SHARED, 'photos-dev');
const PHOTOS = join(SHARED, 'photos');

const result = (r: Partial<PhotoResult>): PhotoResult => ({
  photo: 'x.jpg',
  faces: 1,
  expected_faces: null,
  label: null,
  label_confidence: null,
  predicted: null,
  confidence: null,
  p_true: null,
  ...r,
});

describe('photo evaluation: summary figures', () => {
  it('top-1 on clear and on all, per-class recall, mean p(true) and face counts', () => {
    const photos = [
      result({ photo: 'a', label: 'happy', label_confidence: 'clear', predicted: 'happy', p_true: 0.9, expected_faces: 1 }),
      result({ photo: 'b', label: 'happy', label_confidence: 'plausible', predicted: 'sad', p_true: 0.2, expected_faces: 2, faces: 2 }),
      result({ photo: 'c', label: 'sad', label_confidence: 'clear', predicted: 'angry', p_true: 0.1, expected_faces: 1 }),
      result({ photo: 'd', label: 'fear', label_confidence: 'clear', faces: 0, p_true: 0, expected_faces: 1 }),
      result({ photo: 'e', expected_faces: 3, faces: 2 }),
    ];
    const s = summarisePhotos(photos, true);
    assert.deepEqual(s.clear, { n: 3, correct: 1, accuracy: 0.3333, mean_p_true: 0.3333, no_face: 1 });
    assert.deepEqual(s.labelled, { n: 4, correct: 1, accuracy: 0.25, mean_p_true: 0.3, no_face: 1 });
    assert.deepEqual(s.recall.happy, { n: 2, correct: 1, recall: 0.5 });
    assert.deepEqual(s.recall.sad, { n: 1, correct: 0, recall: 0 });
    assert.equal(s.recall.disgust, null);
    assert.deepEqual(s.face_counts, { photos: 5, exact: 3, expected: 8, found: 6, mismatches: ['d: 0 of 1', 'e: 2 of 3'] });
    // Labelled by file names: no clear subset, no counts.
    const byName = summarisePhotos([result({ label: 'happy', predicted: 'happy', p_true: 0.7 })], false);
    assert.equal(byName.clear, null);
    assert.equal(byName.face_counts, null);
  });

  it('reads labels.json and rejects an entry without a known emotion', () => {
    const dir = tempDir('labels-');
    assert.equal(readLabels(dir), null);
    writeFileSync(join(dir, 'labels.json'), JSON.stringify([{ file: 'a.jpg', faces: 2, emotion: 'fear', confidence: 'clear' }]));
    assert.deepEqual(readLabels(dir), [{ file: 'a.jpg', faces: 2, emotion: 'fear', confidence: 'clear' }]);
    writeFileSync(join(dir, 'labels.json'), JSON.stringify([{ file: 'a.jpg', emotion: 'fearful' }]));
    assert.throws(() => readLabels(dir), /entry 0/);
  });

  it('parses TTA views and the flag combinations', () => {
    assert.equal(parseViews('shift2').length, 5);
    assert.deepEqual(parseViews('1:0;0:-1:1.05'), [
      { dx: 0, dy: 0, zoom: 1 },
      { dx: 1, dy: 0, zoom: 1 },
      { dx: 0, dy: -1, zoom: 1.05 },
    ]);
    assert.throws(() => parseViews('1:x'), /dx:dy/);
    const s = photoSettings('square,aligned', '1,1.1', undefined, ['none', 'scale5'], true);
    assert.equal(s.length, 2 + 4);
    assert.deepEqual(s[0], { tta: true, crop: 'square', cropFactor: undefined, views: VIEW_PRESETS.none });
    assert.deepEqual(s[5], { tta: true, crop: 'aligned', zoom: 1.1, views: VIEW_PRESETS.scale5 });
    assert.equal(photoSettings('aligned', '1', undefined, undefined, false, 'eye-mouth,both').at(-1)!.framing!.scaleBy, 'both');
    assert.throws(() => photoSettings('round', '1', undefined, undefined, true), /square or aligned/);
  });
});

describe('the served setting', () => {
  it("is the aligned crop in the Worker's framing, without extra views", () => {
    assert.equal(isServed({ tta: true, crop: 'aligned' }), true);
    assert.equal(isServed({ tta: false, crop: 'aligned', zoom: ALIGN_ZOOM }), true);
    assert.equal(isServed({ tta: true, crop: 'aligned', zoom: 1 }), false);
    assert.equal(isServed({ tta: true, crop: 'aligned', views: VIEW_PRESETS.shift2 }), false);
    assert.equal(isServed({ tta: true, crop: 'square' }), false);
  });
});

describe('photo evaluation on ../shared/photos-dev (labels.json)', { skip: needsShared(DEV) }, () => {
  let detected: DetectedPhoto[];
  let square: PhotoEvaluation;
  let aligned: PhotoEvaluation;
  before(async () => {
    detected = await detectPhotos(DEV);
    square = await evaluatePhotos(MODEL_ONNX, DEV, { tta: true, crop: 'square' }, detected);
    aligned = await evaluatePhotos(MODEL_ONNX, DEV, { tta: true, crop: 'aligned' }, detected);
  });

  it("keeps the largest face's label on at least 90% of the photos dimmed to 30% luma, and under a gamma of 2 (the model of 2026-12-02: 16 and 28 of 33)", async () => {
    const classifier = await openModel(MODEL_ONNX);
    const results = await photoLightSurvival(classifier, detected);
    await classifier.release();
    for (const light of ['dim 30%', 'gamma 2']) {
      const r = results.find((x) => x.light === light)!;
      assert.ok(r.kept >= 0.9 * r.faces, `${light}: ${r.kept}/${r.faces} kept; changed: ${JSON.stringify(r.changed)}`);
    }
  });

  it('uses labels.json: labels, clear subset and face counts', () => {
    const labels = readLabels(DEV)!;
    for (const e of [square, aligned]) {
      assert.equal(e.labels, 'labels.json');
      assert.equal(e.labelled.n, labels.length);
      assert.equal(e.clear!.n, labels.filter((l) => l.confidence === 'clear').length);
      assert.equal(e.face_counts!.photos, labels.length);
      assert.equal(
        e.face_counts!.expected,
        labels.reduce((a, l) => a + (l.faces ?? 0), 0),
      );
      assert.ok(e.face_counts!.exact >= labels.length - 3, `faces counted right on ${e.face_counts!.exact} photos`);
      assert.ok(
        e.labelled.accuracy > 0.5 && e.labelled.mean_p_true > 0.4,
        `a trained model: ${e.labelled.accuracy}, ${e.labelled.mean_p_true}`,
      );
      assert.equal(e.rows_per_face, 2);
    }
    assert.deepEqual(aligned.face_counts, square.face_counts, 'the crop does not change detection');
    assert.equal(square.crop_factor, 1.1);
    assert.equal(aligned.zoom, ALIGN_ZOOM);
    assert.deepEqual([aligned.served, square.served], [true, false], "the served setting is the Worker's answer");
    assert.notDeepEqual(
      aligned.photos.map((p) => p.p_true),
      square.photos.map((p) => p.p_true),
      'the crops differ',
    );
    const text = formatPhotoEvaluation(aligned);
    assert.match(text, /crop: aligned zoom 1\.1 .*flip TTA: 2 model rows per face/);
    assert.match(text, /Clear photos: +\d+\/\d+/);
    assert.match(formatPhotoComparison([square, aligned]), /\| square 1\.1x box, flip TTA.*\n.*\| aligned zoom/);
  });

  it('feeds one 48x48 input per TTA view', () => {
    const shot = detected.find((d) => d.faces.length)!;
    const n = INPUT_SIZE * INPUT_SIZE;
    for (const crop of ['square', 'aligned'] as const) {
      const x = faceInputs(shot.gray!, shot.faces[0], { tta: true, crop, views: VIEW_PRESETS['shift2+scale5'] });
      assert.equal(x.length, 7 * n);
      assert.ok(x.every((v) => v >= -1 && v <= 1));
      assert.notDeepEqual(x.subarray(0, n), x.subarray(n, 2 * n), 'a shifted view differs');
    }
  });
});

describe('photo evaluation on ../shared/photos (file names)', { skip: needsShared(PHOTOS) }, () => {
  it('labels by file name without labels.json, either crop', async () => {
    for (const crop of ['square', 'aligned'] as const) {
      const e = await evaluatePhotos(MODEL_ONNX, PHOTOS, { tta: true, crop });
      assert.equal(e.labels, 'file names');
      assert.equal(e.labelled.n, 7);
      assert.equal(e.clear, null);
      assert.equal(e.face_counts, null);
      assert.ok(e.labelled.correct >= 5, `${crop}: ${e.labelled.correct}/7`);
    }
  });
});
