/**
 * Phone photos on the real Worker in workerd, made from the shared photos (./large-images.ts):
 * a 12 MP EXIF-6 portrait, a 12 MP group photo of 16 faces of 144-318 px (found through the tile
 * pass), a 48 MP baseline JPEG, and a 12 MP progressive one. Each answers 200 with its faces, and
 * each face's scores equal onnxruntime-node's on core's same pipeline.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CLASSES } from '@emotion/core';
import { DEFAULT_PARAMS, LIMITS } from '@emotion/core/api';
import { alignedInput, type FaceDetector, findFaces } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { openUpload } from '../src/decode.ts';
import { type Contract, contract } from './contract.ts';
import { MODEL_PATH, type RunningWorker, startWorker } from './harness.ts';
import type { Bytes } from './images.ts';
import { cjpegSkip, GROUP_PHOTO_FACES, groupPhotoJpeg, upscaledPhotoJpeg } from './large-images.ts';
import { referenceScores } from './reference-scores.ts';
import { photosSkip } from './shared-data.ts';

const skip = photosSkip() || cjpegSkip();

describe('phone-sized photos', { skip }, () => {
  let w: RunningWorker;
  let api: Contract;
  let detector: FaceDetector;
  let emotion: ort.InferenceSession;
  const images: Record<string, Bytes> = {};

  before(async () => {
    images.portrait = upscaledPhotoJpeg('happy.jpg', 3024, 4032, { orientation: 6, quality: 92 });
    images.group = groupPhotoJpeg();
    images.groupLeft = groupPhotoJpeg({ x: -100, y: 0 });
    images.groupRight = groupPhotoJpeg({ x: 300, y: 0 });
    images.mega = upscaledPhotoJpeg('bbt1.jpg', 8000, 6000, { quality: 85 });
    images.progressive = upscaledPhotoJpeg('surprised.jpg', 4032, 3024, { quality: 90, flags: ['-progressive'] });
    w = await startWorker();
    api = contract(await (await w.fetch('/openapi.json')).json());
    detector = await openFaceDetector(ort);
    emotion = await ort.InferenceSession.create(readFileSync(MODEL_PATH), { intraOpNumThreads: 1 });
  });
  after(async () => {
    await w?.dispose();
    await emotion?.release();
  });

  async function classify(name: string): Promise<any> {
    const bytes = images[name];
    assert.ok(bytes.length <= LIMITS.maxBodyBytes, `${name}: ${bytes.length} bytes within the body limit`);
    const res = await w.fetch('/classify', { method: 'POST', body: bytes, headers: { 'content-type': 'image/jpeg' } });
    assert.equal(res.status, 200, `${name}: ${res.status} ${await res.clone().text()}`);
    return api.documented(res, '/classify', 'POST');
  }

  /** onnxruntime-node on core's same pipeline: the same faces, boxes and scores. */
  async function assertMatchesNode(name: string, body: any): Promise<void> {
    const image = openUpload(images[name]);
    const { faces, detectionImage } = await findFaces(image, detector, { maxFaces: DEFAULT_PARAMS.max_faces });
    assert.equal(body.faces.length, faces.length, `${name}: face count`);
    for (const [i, f] of faces.entries()) {
      assert.deepEqual(body.faces[i].box, f.box, `${name} face ${i}`);
      const { input } = alignedInput(image, f.keypoints, detectionImage);
      const expected = await referenceScores(emotion, input, true);
      const diff = Math.max(...CLASSES.map((c, k) => Math.abs(body.faces[i].scores[c] - expected[k])));
      assert.ok(diff < 1e-5, `${name} face ${i}: scores differ by ${diff}`);
    }
  }

  test('a 12 MP EXIF-6 portrait (the phone photo that got 413 before): 200, upright, its face found', async () => {
    const body = await classify('portrait');
    assert.deepEqual(body.image, { width: 3024, height: 4032 }, 'upright size');
    assert.equal(body.faces.length, 1);
    assert.ok(body.box.h > 500, `face box ${JSON.stringify(body.box)}`);
    assert.equal(body.emotion, 'happy');
    await assertMatchesNode('portrait', body);
  });

  test(`a 12 MP group photo: all ${GROUP_PHOTO_FACES} faces of 144-318 px with the default parameters`, async () => {
    const body = await classify('group');
    assert.equal(body.faces.length, GROUP_PHOTO_FACES);
    for (const f of body.faces) assert.ok(f.box.w >= 100 && f.box.w <= 400, `face ${JSON.stringify(f.box)}`);
    await assertMatchesNode('group', body);
  });

  // The whole-image pass sees these faces at 8-20 px of its input, where it also fires between two
  // of them (scores 0.57-0.77): 18 and 17 faces before such detections needed a tile's confirmation.
  test(`the group photo moved left and right: still ${GROUP_PHOTO_FACES} faces, no false face between two`, async () => {
    for (const name of ['groupLeft', 'groupRight']) {
      const body = await classify(name);
      assert.equal(body.faces.length, GROUP_PHOTO_FACES, name);
      await assertMatchesNode(name, body);
    }
  });

  test('a 48 MP baseline JPEG: 200 with its 4 faces', async () => {
    const body = await classify('mega');
    assert.deepEqual(body.image, { width: 8000, height: 6000 });
    assert.equal(body.faces.length, 4);
    await assertMatchesNode('mega', body);
  });

  test('a 12 MP progressive JPEG: 200 with its face', async () => {
    const body = await classify('progressive');
    assert.equal(body.faces.length, 1);
    await assertMatchesNode('progressive', body);
  });
});
