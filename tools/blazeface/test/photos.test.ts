/**
 * The detector end to end (Node runner: decode -> letterbox -> ONNX -> decode -> NMS) on the
 * photos in ../shared/photos, with the default options.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeGray } from '@emotion/core/decode';
import type { DetectedFace, FaceDetector } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { faceCrop } from '@emotion/core/testing/face-crop';
import * as ort from 'onnxruntime-node';
import { facesIn, facesInBytes } from '../src/detect.ts';
import { groupPhotos, labelledPhotos, onTightCropFace, tightCrops } from '../src/photos.ts';
import { photosSkip } from './shared-data.ts';

/**
 * Centre of every face, checked by eye on the photos with the boxes drawn on them (any order).
 * bbt2's third face is the small one cut off at the left edge.
 */
const FACE_CENTRES: Record<string, [number, number][]> = {
  bbt1: [
    [1054, 155],
    [256, 203],
    [521, 222],
    [782, 207],
  ],
  bbt2: [
    [131, 185],
    [424, 182],
    [26, 126],
  ],
  bbt3: [
    [519, 140],
    [62, 70],
    [394, 146],
    [180, 127],
    [280, 137],
  ],
  bbt4: [
    [104, 327],
    [516, 247],
    [278, 105],
    [298, 294],
    [616, 126],
    [121, 85],
  ],
  bbt5: [
    [762, 166],
    [150, 219],
    [484, 212],
    [616, 109],
    [255, 92],
  ],
  angry: [[146, 131]],
  disgusted: [[312, 195]],
  fearful: [[137, 104]],
  happy: [[332, 159]],
  neutral: [[310, 150]],
  sad: [[201, 142]],
  surprised: [[257, 181]],
};

const inside = (p: { x: number; y: number }, b: { x: number; y: number; w: number; h: number }) =>
  p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h;

/** Each face box holds exactly one known centre, near its own centre, and its crop frames it. */
function assertFacesInPlace(name: string, faces: DetectedFace[], image: { width: number; height: number }) {
  const centres = FACE_CENTRES[name];
  for (const [x, y] of centres) {
    const holders = faces.filter((f) => inside({ x, y }, f.box));
    assert.equal(holders.length, 1, `${name}: face at (${x}, ${y}) is in ${holders.length} boxes`);
    const b = holders[0].box;
    const off = Math.hypot(b.x + b.w / 2 - x, b.y + b.h / 2 - y);
    assert.ok(off < b.w / 4, `${name}: box centre is ${off.toFixed(0)} px from the face at (${x}, ${y})`);
  }
  for (const f of faces) {
    const crop = faceCrop(f.box, image);
    assert.ok(crop.x >= 0 && crop.y >= 0 && crop.x + crop.w <= image.width && crop.y + crop.h <= image.height, `${name}: crop outside`);
    assert.ok(crop.w >= f.box.w && crop.h >= Math.min(f.box.h, image.height), `${name}: crop smaller than the face`);
    // Eyes, nose and mouth inside the crop.
    for (const k of [f.keypoints.right_eye, f.keypoints.left_eye, f.keypoints.nose_tip, f.keypoints.mouth])
      assert.ok(inside(k, crop), `${name}: keypoint (${k.x}, ${k.y}) outside the crop`);
  }
}

describe('face detection on ../shared/photos', { skip: photosSkip() }, () => {
  let detector: FaceDetector;
  before(async () => {
    detector = await openFaceDetector(ort);
  });

  for (const p of groupPhotos()) {
    it(`${p.name}: finds the ${p.faces} faces, each box on a face, largest first`, async () => {
      const { gray, faces } = await facesInBytes(detector, p.bytes);
      assert.equal(faces.length, p.faces, `scores ${faces.map((f) => f.score.toFixed(2))}`);
      const areas = faces.map((f) => f.box.w * f.box.h);
      assert.deepEqual(
        areas,
        [...areas].sort((a, b) => b - a),
      );
      assertFacesInPlace(p.name, faces, gray);
    });
  }

  for (const p of labelledPhotos()) {
    it(`${p.name}: exactly one face, and the crop frames it`, async () => {
      const { gray, faces } = await facesInBytes(detector, p.bytes);
      assert.equal(faces.length, 1, `scores ${faces.map((f) => f.score.toFixed(2))}`);
      assertFacesInPlace(p.name, faces, gray);
    });
  }

  it('a box on the face in each of the 40 tight 150x150 crops', async () => {
    const crops = tightCrops();
    assert.equal(crops.length, 40);
    const missed: string[] = [];
    for (const p of crops) {
      const { gray, faces } = await facesInBytes(detector, p.bytes);
      if (!faces.length || !onTightCropFace(faces[0].box, gray)) missed.push(p.name);
    }
    assert.deepEqual(missed, []);
  });

  it('facesInBytes answers the same gray image as decodeGray, for the classifier', async () => {
    const p = labelledPhotos()[0];
    assert.deepEqual((await facesInBytes(detector, p.bytes)).gray, decodeGray(p.bytes));
  });

  it('maxFaces keeps the largest faces', async () => {
    const p = groupPhotos()[3];
    const all = (await facesInBytes(detector, p.bytes)).faces;
    const two = (await facesInBytes(detector, p.bytes, { maxFaces: 2 })).faces;
    assert.deepEqual(two, all.slice(0, 2));
  });
});

describe('face detection without faces', () => {
  it('answers [] for a blank image', async () => {
    const detector = await openFaceDetector(ort);
    const blank = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 4).fill(200) };
    assert.deepEqual(await facesIn(detector, blank), []);
  });
});
