/**
 * analyzeImage (core/src/analyze.ts), the pipeline of the worker's /classify and the site's
 * on-device mode, on ../shared/photos through onnxruntime-node with the committed models.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { type AnalyzeLimits, type AnalyzeModels, type AnalyzeOptions, analyzeImage } from '../src/analyze.ts';
import { CLASSES } from '../src/classes.ts';
import { openEmotionClassifier } from '../src/emotion/node.ts';
import { ImageError } from '../src/errors.ts';
import { alignedInput, cropInput, DEFAULT_DETECTION_OPTIONS, findFaces, readDetectionImage } from '../src/faces/index.ts';
import { openFaceDetector } from '../src/faces/node.ts';
import { openImage } from '../src/image-source.ts';
import { sharedPath, sharedSkip } from '../src/shared-data.ts';

const PHOTOS = sharedPath('photos');
const LIMITS: AnalyzeLimits = {
  maxPixelsStreamed: 40e6,
  maxPixelsHeld: 40e6,
  maxSide: 16384,
  maxDecodeBytes: 512 * 1024 * 1024,
  maxJpegScans: 100,
  maxDetections: 100,
};
const OPTIONS: AnalyzeOptions = {
  detect: true,
  maxFaces: 50,
  minDetectionScore: DEFAULT_DETECTION_OPTIONS.scoreThreshold,
  minFaceSize: 0,
  tta: true,
};
/** Faces counted by eye (../shared/photos/SOURCE.md). */
const GROUP: Record<string, number> = { bbt1: 4, bbt3: 5 };

let models: AnalyzeModels;
const photo = (name: string) => new Uint8Array(readFileSync(`${PHOTOS}/${name}`));

describe('analyzeImage on ../shared/photos (onnxruntime-node)', { skip: sharedSkip(`${PHOTOS}/SOURCE.md`) }, () => {
  before(async () => {
    models = { detector: await openFaceDetector(ort), classifier: await openEmotionClassifier(ort, undefined, { maxBatch: 10 }) };
  });

  for (const [name, count] of Object.entries(GROUP)) {
    test(`${name}.jpg: every face, largest first, each classified on its aligned crop`, async () => {
      const bytes = photo(`${name}.jpg`);
      const a = await analyzeImage(bytes, models, OPTIONS, LIMITS);
      assert.equal(a.source, 'detection');
      assert.equal(a.faces.length, count);
      const image = openImage(bytes, LIMITS);
      assert.deepEqual(a.image, { width: image.width, height: image.height });
      for (let i = 1; i < a.faces.length; i++)
        assert.ok(a.faces[i - 1].box.w * a.faces[i - 1].box.h >= a.faces[i].box.w * a.faces[i].box.h);
      // The same faces and crops as the parts composed by hand.
      const detectionImage = readDetectionImage(image);
      const { faces } = await findFaces(
        image,
        models.detector,
        { maxFaces: LIMITS.maxDetections, scoreThreshold: OPTIONS.minDetectionScore },
        detectionImage,
      );
      const crops = faces.map((f) => alignedInput(image, f.keypoints, detectionImage));
      const { results } = await models.classifier.classify(
        crops.map((c) => c.input),
        { tta: true },
      );
      a.faces.forEach((f, i) => {
        assert.deepEqual(f.box, faces[i].box);
        assert.deepEqual(f.crop, crops[i].crop);
        assert.equal(f.detection_score, faces[i].score);
        assert.ok(f.landmarks && Object.keys(f.landmarks).length === 6);
        assert.ok(f.pose && Math.abs(f.pose.roll) <= 180);
        assert.deepEqual(f.scores, results[i].scores);
        assert.equal(f.emotion, results[i].emotion);
        assert.ok(CLASSES.includes(f.emotion));
      });
      assert.ok(a.timings.decode > 0 && a.timings.detect! > 0 && a.timings.inference > 0 && a.timings.preprocess >= 0);
    });
  }

  test('max_faces and min_face_size keep the largest faces', async () => {
    const all = await analyzeImage(photo('bbt3.jpg'), models, OPTIONS, LIMITS);
    const two = await analyzeImage(photo('bbt3.jpg'), models, { ...OPTIONS, maxFaces: 2 }, LIMITS);
    assert.deepEqual(two.faces, all.faces.slice(0, 2));
    const side = (f: (typeof all.faces)[number]) => Math.max(f.box.w, f.box.h);
    const min = (side(all.faces[1]) + side(all.faces[2])) / 2;
    const big = await analyzeImage(photo('bbt3.jpg'), models, { ...OPTIONS, minFaceSize: min }, LIMITS);
    assert.deepEqual(
      big.faces,
      all.faces.filter((f) => side(f) >= min),
    );
    const strict = await analyzeImage(photo('bbt3.jpg'), models, { ...OPTIONS, minDetectionScore: 1 }, LIMITS);
    assert.deepEqual(strict.faces, []);
  });

  test('detect: false classifies the whole image; boxes classify the given regions', async () => {
    const bytes = photo('happy.jpg');
    const image = openImage(bytes, LIMITS);
    const whole = await analyzeImage(bytes, models, { ...OPTIONS, detect: false, tta: false }, LIMITS);
    assert.equal(whole.source, 'whole_image');
    assert.equal(whole.timings.detect, undefined);
    const all = { x: 0, y: 0, w: image.width, h: image.height };
    assert.deepEqual(
      whole.faces.map((f) => [f.box, f.crop, f.detection_score, f.landmarks, f.pose]),
      [[all, all, null, null, null]],
    );
    const expected = (await models.classifier.classify([cropInput(image, all)], { tta: false })).results[0];
    assert.deepEqual(whole.faces[0].scores, expected.scores);

    const boxes = [{ x: 10, y: 20, w: 60, h: 50 }, all];
    const given = await analyzeImage(bytes, models, { ...OPTIONS, boxes }, LIMITS);
    assert.equal(given.source, 'box');
    assert.deepEqual(
      given.faces.map((f) => f.box),
      boxes,
    );
    const byHand = (
      await models.classifier.classify(
        boxes.map((b) => cropInput(image, b)),
        { tta: true },
      )
    ).results;
    assert.deepEqual(
      given.faces.map((f) => f.scores),
      byHand.map((r) => r.scores),
    );
  });

  test('an unreadable image or a box outside it is an ImageError, and the models are not loaded for it', async () => {
    let loads = 0;
    const lazy = async () => {
      loads++;
      return models;
    };
    await assert.rejects(analyzeImage(new TextEncoder().encode('not an image'), lazy, OPTIONS, LIMITS), ImageError);
    await assert.rejects(
      analyzeImage(photo('happy.jpg'), lazy, { ...OPTIONS, boxes: [{ x: 0, y: 0, w: 1e5, h: 10 }] }, LIMITS),
      (e: unknown) => e instanceof ImageError && e.code === 'bad_box',
    );
    assert.equal(loads, 0);
    await analyzeImage(photo('happy.jpg'), lazy, OPTIONS, LIMITS);
    assert.equal(loads, 1);
  });
});
