/**
 * The Worker's scores (onnxruntime-web WASM in workerd) match onnxruntime-node on the same
 * preprocessed input (@emotion/core, the module training evaluation uses), on real photos and
 * FER2013 crops, with and without a box.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Box, CLASSES } from '@emotion/core';
import { cropInput } from '@emotion/core/faces';
import * as ort from 'onnxruntime-node';
import { openUpload } from '../src/decode.ts';
import { MODEL_PATH, PHOTOS, type RunningWorker, startWorker } from './harness.ts';
import { type Bytes, ferCrops, photo } from './images.ts';
import { referenceScores } from './reference-scores.ts';
import { ferSkip, photosSkip } from './shared-data.ts';

const skipPhotos = photosSkip();
const skipFer = ferSkip();

let w: RunningWorker;
let session: ort.InferenceSession;

before(async () => {
  session = await ort.InferenceSession.create(readFileSync(MODEL_PATH), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  w = await startWorker();
});
after(async () => {
  await w?.dispose();
  await session?.release();
});

const nodeScores = (bytes: Uint8Array, box: Box | undefined, tta: boolean) => {
  const image = openUpload(bytes);
  return referenceScores(session, cropInput(image, box ?? { x: 0, y: 0, w: image.width, h: image.height }), tta);
};

async function workerScores(
  bytes: Bytes,
  type: string,
  box: Box | undefined,
  tta: boolean,
): Promise<{ scores: number[]; emotion: string }> {
  // Without a box, the whole image (detect=false); face crops are compared in faces.test.ts.
  const q = (box ? `?box=${box.x},${box.y},${box.w},${box.h}` : '?detect=false') + (tta ? '' : '&tta=false');
  const res = await w.fetch(`/classify${q}`, { method: 'POST', body: bytes, headers: { 'content-type': type } });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.tta, tta);
  return { scores: CLASSES.map((c) => body.scores[c]), emotion: body.emotion };
}

const TOLERANCE = 1e-5;

async function compare(cases: { name: string; bytes: Bytes; type: string; box?: Box }[]) {
  let worst = 0;
  for (const c of cases) {
    // The default (flip TTA) and tta=false.
    for (const tta of [true, false]) {
      const expected = await nodeScores(c.bytes, c.box, tta);
      const got = await workerScores(c.bytes, c.type, c.box, tta);
      const diff = Math.max(...expected.map((e, i) => Math.abs(e - got.scores[i])));
      worst = Math.max(worst, diff);
      assert.ok(diff < TOLERANCE, `${c.name} (tta ${tta}): scores differ by ${diff}`);
      assert.equal(got.emotion, CLASSES[expected.indexOf(Math.max(...expected))], `${c.name} (tta ${tta}): top class`);
    }
  }
  return worst;
}

test('real photos (single-face, group, and tight crops): WASM in workerd = onnxruntime-node', { skip: skipPhotos }, async (t) => {
  const files = readdirSync(PHOTOS)
    .filter((f) => /\.jpg$/.test(f))
    .sort();
  const crops = readdirSync(PHOTOS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${d.name}/${readdirSync(join(PHOTOS, d.name)).sort()[0]}`);
  const cases = [
    ...files.map((f) => ({ name: f, bytes: photo(f), type: 'image/jpeg' })),
    ...crops.map((f) => ({ name: f, bytes: photo(f), type: 'image/png' })),
  ];
  assert.ok(cases.length >= 20);
  const worst = await compare(cases);
  t.diagnostic(`${cases.length} photos, largest score difference ${worst.toExponential(2)}`);
});

test('photos with a box: the same region is classified on both sides', { skip: skipPhotos }, async (t) => {
  const worst = await compare([
    { name: 'bbt1 box', bytes: photo('bbt1.jpg'), type: 'image/jpeg', box: { x: 500, y: 100, w: 200, h: 200 } },
    { name: 'happy box', bytes: photo('happy.jpg'), type: 'image/jpeg', box: { x: 150, y: 20, w: 180, h: 200 } },
    { name: 'amy box', bytes: photo('amy/amy3.png'), type: 'image/png', box: { x: 20, y: 20, w: 110, h: 110 } },
    { name: 'fractional box', bytes: photo('sad.jpg'), type: 'image/jpeg', box: { x: 10.5, y: 3.25, w: 99.5, h: 120.75 } },
  ]);
  t.diagnostic(`largest score difference ${worst.toExponential(2)}`);
});

test('FER2013 PublicTest crops, 5 per class: WASM in workerd = onnxruntime-node', { skip: skipFer }, async (t) => {
  const cases = ferCrops(5).map((c) => ({ name: c.file, bytes: c.bytes, type: 'image/jpeg' }));
  assert.equal(cases.length, 35);
  const worst = await compare(cases);
  t.diagnostic(`${cases.length} crops, largest score difference ${worst.toExponential(2)}`);
});
