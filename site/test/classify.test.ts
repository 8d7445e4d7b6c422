import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASSES } from '@emotion/core/classes';
import {
  coversImage,
  describeError,
  fitWithin,
  formatPercent,
  NETWORK_ERROR,
  qualityWarning,
  readOutcome,
  scaleBox,
} from '../src/lib/classify.ts';

const scores = (top: string) => Object.fromEntries(CLASSES.map((c) => [c, c === top ? 0.7 : 0.05]));

test('a multi-face answer lists every face in order, with the model, server time and image size', () => {
  const faces = ['happy', 'sad', 'fear'].map((e, i) => ({
    box: { x: i * 100, y: 10, w: 50, h: 50 },
    detection_score: 0.9 - i / 10,
    emotion: e,
    confidence: 0.7,
    scores: scores(e),
  }));
  const o = readOutcome({
    ...faces[0],
    faces,
    image: { width: 500, height: 282 },
    model: { name: 'ScratchCNN', version: 'e1', input_size: 48 },
    timings: { decode: 20, preprocess: 1, inference: 7, total: 30.5 },
  });
  assert.deepEqual(
    o.faces.map((f) => f.emotion),
    ['happy', 'sad', 'fear'],
  );
  assert.equal(o.faces[2].detectionScore, 0.7);
  assert.deepEqual(o.faces[1].box, { x: 100, y: 10, w: 50, h: 50 });
  assert.equal(o.model, 'ScratchCNN e1');
  assert.equal(o.serverMs, 30.5, 'total, not the sum with it');
  assert.deepEqual(o.image, { width: 500, height: 282 });
  assert.equal(o.message, null);
});

test('the answer’s damaged flag is kept; absent or false is not damaged', () => {
  const face = { emotion: 'happy', confidence: 0.7, scores: scores('happy') };
  assert.equal(readOutcome({ faces: [face], damaged: true }).damaged, true);
  assert.equal(readOutcome({ faces: [], damaged: true }).damaged, true, 'with no face too');
  assert.equal(readOutcome({ faces: [face], damaged: false }).damaged, false);
  assert.equal(readOutcome({ faces: [face] }).damaged, false);
});

test('quality flags become a short warning; none, or no quality field, is no warning', () => {
  const q = { size: 30, sharpness: 20, brightness: 40, contrast: 10, too_small: true, blurry: true, dark: true, overexposed: false };
  const o = readOutcome({
    faces: [
      { emotion: 'sad', confidence: 0.7, scores: scores('sad'), quality: q },
      { emotion: 'happy', confidence: 0.7, scores: scores('happy') },
    ],
  });
  assert.deepEqual(o.faces[0].qualityIssues, ['small', 'blurry', 'dark']);
  assert.equal(qualityWarning(o.faces[0].qualityIssues), 'Face small / blurry / dark: the result is less reliable.');
  assert.deepEqual(o.faces[1].qualityIssues, []);
  assert.equal(qualityWarning([]), null);
});

test('no face: the API’s message, and no bars to show', () => {
  const o = readOutcome({ faces: [], message: 'No face found; send box= to classify a region.' });
  assert.deepEqual(o.faces, []);
  assert.equal(o.message, 'No face found; send box= to classify a region.');
  assert.equal(readOutcome({ faces: [] }).message, 'No face was found in this photo.');
});

test('an answer without faces, or a face without the 7 scores, is refused rather than shown wrong', () => {
  assert.throws(() => readOutcome({ emotion: 'happy', scores: scores('happy') }), /result/);
  assert.throws(() => readOutcome({ faces: [{ emotion: 'happy' }] }), /scores/);
  assert.throws(() => readOutcome({ faces: [{ emotion: 'happy', scores: { happy: 1 } }] }), /scores/);
  assert.throws(() => readOutcome('oops'), /result/);
});

test('errors read as people would say them, keeping the API’s own message', () => {
  const e415 = describeError(415, {
    error: { code: 'unsupported_media_type', message: 'Got a GIF image; accepted formats are JPEG and PNG.' },
  });
  assert.equal(e415.title, 'That file is not a supported image');
  assert.equal(e415.detail, 'Got a GIF image; accepted formats are JPEG and PNG.');
  assert.equal(describeError(413, { error: { code: 'too_large', message: 'over 8 MiB' } }).title, 'The image is too large');
  assert.equal(
    describeError(400, { error: { code: 'corrupt_image', message: 'The JPEG data is corrupt or truncated.' } }).title,
    'The image could not be read',
  );
  assert.equal(describeError(400, { error: { code: 'bad_box', message: 'x' } }).title, 'The face box is not valid');
  assert.match(describeError(502, null).detail, /502/);
  assert.equal(describeError(413, 'not json').detail, 'Try a smaller photo.');
  assert.equal(NETWORK_ERROR.title, 'Could not reach the server');
});

test('fitWithin shrinks the longest side to the limit and never enlarges', () => {
  assert.deepEqual(fitWithin(4032, 3024, 1024), { width: 1024, height: 768, scale: 1024 / 4032 });
  assert.deepEqual(fitWithin(3024, 4032, 1024), { width: 768, height: 1024, scale: 1024 / 4032 });
  assert.deepEqual(fitWithin(500, 282, 1024), { width: 500, height: 282, scale: 1 });
  assert.equal(fitWithin(100000, 1, 1024).height, 1, 'never zero');
});

test('boxes move between pixel grids, and a whole-image box is recognised', () => {
  assert.deepEqual(scaleBox({ x: 100, y: 50, w: 200, h: 100 }, 0.5, 0.5), { x: 50, y: 25, w: 100, h: 50 });
  assert.ok(coversImage({ x: 0, y: 0, w: 500, h: 282 }, 500, 282));
  assert.ok(!coversImage({ x: 10, y: 0, w: 200, h: 200 }, 500, 282));
});

test('percentages have one decimal', () => {
  assert.equal(formatPercent(0.9124), '91.2%');
  assert.equal(formatPercent(0), '0.0%');
});
