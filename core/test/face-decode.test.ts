/** BlazeFace's anchor decoding, NMS and the crop geometry, on made-up detector outputs (no model, no data). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blazeFaceCandidates,
  type Candidate,
  containedIn,
  DEFAULT_DETECTION_OPTIONS,
  DETECTOR_ANCHORS,
  DETECTOR_VALUES_PER_ANCHOR,
  type DetectionOptions,
  type DetectorTransform,
  detectorAnchors,
  dropContained,
  facesFromCandidates,
  iou,
  KEYPOINT_NAMES,
  type Keypoints,
  type RawDetections,
  weightedNms,
} from '../src/faces/index.ts';
import { faceCrop } from '../testing/face-crop.ts';

const IDENTITY: DetectorTransform = { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, width: 256, height: 256 };

/** Raw outputs -> faces: BlazeFace's candidates, then the merge every detector's candidates go through. */
function decodeDetections(r: RawDetections, t: DetectorTransform, options: Partial<DetectionOptions> = {}) {
  const opts = { ...DEFAULT_DETECTION_OPTIONS, ...options };
  return facesFromCandidates(blazeFaceCandidates(r, t, opts.scoreThreshold), t, opts);
}

/** Every keypoint at one point. */
const at = (x: number, y: number): Keypoints => Object.fromEntries(KEYPOINT_NAMES.map((n) => [n, { x, y }])) as Keypoints;

/** Raw outputs with every anchor at a very low score, then the given anchors set. */
function raw(set: { anchor: number; logit: number; dx?: number; dy?: number; w: number; h: number }[]): RawDetections {
  const scores = new Float32Array(DETECTOR_ANCHORS).fill(-20);
  const boxes = new Float32Array(DETECTOR_ANCHORS * DETECTOR_VALUES_PER_ANCHOR);
  for (const s of set) {
    scores[s.anchor] = s.logit;
    const r = boxes.subarray(s.anchor * DETECTOR_VALUES_PER_ANCHOR);
    r[0] = s.dx ?? 0;
    r[1] = s.dy ?? 0;
    r[2] = s.w;
    r[3] = s.h;
    for (let k = 4; k < 16; k += 2) [r[k], r[k + 1]] = [k, -k]; // keypoint offsets from the anchor
  }
  return { scores, boxes };
}

/** Index of the anchor of a layer's cell: 16x16x2 first, then 8x8x6. */
const anchorAt = (layer: 0 | 1, gx: number, gy: number, a = 0) => (layer === 0 ? (gy * 16 + gx) * 2 + a : 512 + (gy * 8 + gx) * 6 + a);

describe('anchors', () => {
  it('are 896 cell centres: 16x16 cells of 16 px with 2 each, then 8x8 cells of 32 px with 6 each', () => {
    const a = detectorAnchors();
    assert.equal(a.length, 896 * 2);
    assert.deepEqual([...a.subarray(0, 6)], [8, 8, 8, 8, 24, 8]);
    const at = (i: number) => [a[2 * i], a[2 * i + 1]];
    assert.deepEqual(at(anchorAt(0, 15, 15, 1)), [248, 248]);
    assert.deepEqual(at(anchorAt(0, 3, 5)), [56, 88]);
    assert.deepEqual(at(512), [16, 16]);
    assert.deepEqual(at(anchorAt(1, 7, 2, 5)), [240, 80]);
    assert.deepEqual(at(895), [240, 240]);
  });
});

describe('BlazeFace outputs to faces', () => {
  it('turns an anchor, its offset and size into a box in image pixels, with keypoints', () => {
    const i = anchorAt(0, 3, 5); // centre (56, 88)
    const faces = decodeDetections(raw([{ anchor: i, logit: 3, dx: 4, dy: -8, w: 40, h: 50 }]), IDENTITY);
    assert.equal(faces.length, 1);
    assert.deepEqual(faces[0].box, { x: 40, y: 55, w: 40, h: 50 });
    assert.ok(Math.abs(faces[0].score - 1 / (1 + Math.exp(-3))) < 1e-6);
    assert.deepEqual(Object.keys(faces[0].keypoints), [...KEYPOINT_NAMES]);
    assert.deepEqual(faces[0].keypoints.right_eye, { x: 56 + 4, y: 88 - 4 });
    assert.deepEqual(faces[0].keypoints.left_ear, { x: 56 + 14, y: 88 - 14 });
  });

  it('maps back through the letterbox transform', () => {
    // A 1024x512 image letterboxed: scale 4, bars of 256 px above and below.
    const t: DetectorTransform = { scaleX: 4, scaleY: 4, offsetX: 0, offsetY: -256, width: 1024, height: 512 };
    const i = anchorAt(1, 2, 3); // centre (80, 112)
    const [f] = decodeDetections(raw([{ anchor: i, logit: 5, w: 20, h: 30 }]), t);
    assert.deepEqual(f.box, { x: (80 - 10) * 4, y: (112 - 15) * 4 - 256, w: 80, h: 120 });
  });

  it('drops anchors below the score threshold and answers [] when nothing is left', () => {
    const r = raw([{ anchor: 10, logit: 0.2, w: 30, h: 30 }]); // sigmoid 0.55
    assert.equal(decodeDetections(r, IDENTITY, { scoreThreshold: 0.5 }).length, 1);
    assert.equal(decodeDetections(r, IDENTITY, { scoreThreshold: 0.6 }).length, 0);
    assert.deepEqual(decodeDetections(raw([]), IDENTITY), []);
  });

  it('survives huge logits (clipped like MediaPipe) without NaN', () => {
    const [f] = decodeDetections(raw([{ anchor: 100, logit: 1e30, w: 30, h: 30 }]), IDENTITY);
    assert.equal(f.score, 1);
  });

  it('merges neighbouring anchors of one face into one score-weighted box', () => {
    const a = anchorAt(0, 8, 8, 0); // centre (136, 136)
    const b = anchorAt(0, 8, 8, 1); // same centre
    const c = anchorAt(0, 9, 8, 0); // centre (152, 136)
    const faces = decodeDetections(
      raw([
        { anchor: a, logit: 4, w: 60, h: 60 },
        { anchor: b, logit: 4, w: 64, h: 64 },
        { anchor: c, logit: -20 + 30, dx: -16, w: 62, h: 62 }, // also centred on 136
      ]),
      IDENTITY,
    );
    assert.equal(faces.length, 1);
    assert.ok(Math.abs(faces[0].box.x + faces[0].box.w / 2 - 136) <= 1);
    assert.ok(faces[0].box.w > 60 && faces[0].box.w < 64);
  });

  it('keeps separate faces apart and answers them largest first, maxFaces keeping the largest', () => {
    const faces = decodeDetections(
      raw([
        { anchor: anchorAt(0, 2, 2), logit: 6, w: 20, h: 20 },
        { anchor: anchorAt(0, 8, 8), logit: 2, w: 60, h: 60 },
        { anchor: anchorAt(0, 13, 3), logit: 4, w: 40, h: 40 },
      ]),
      IDENTITY,
    );
    assert.deepEqual(
      faces.map((f) => f.box.w),
      [60, 40, 20],
    );
    const two = decodeDetections(
      raw([
        { anchor: anchorAt(0, 2, 2), logit: 6, w: 20, h: 20 },
        { anchor: anchorAt(0, 8, 8), logit: 2, w: 60, h: 60 },
        { anchor: anchorAt(0, 13, 3), logit: 4, w: 40, h: 40 },
      ]),
      IDENTITY,
      { maxFaces: 2 },
    );
    assert.deepEqual(
      two.map((f) => f.box.w),
      [60, 40],
    );
  });

  it('drops a box lying mostly inside a better-scoring face (part of a face), unless asked not to', () => {
    const r = raw([
      { anchor: anchorAt(1, 4, 4), logit: 5, w: 120, h: 120 }, // centre (144, 144)
      { anchor: anchorAt(1, 4, 5), logit: 1, w: 60, h: 60 }, // centre (144, 176): the lower face
    ]);
    assert.equal(decodeDetections(r, IDENTITY).length, 1);
    assert.equal(decodeDetections(r, IDENTITY, { maxContained: 1 }).length, 2);
  });

  it('clips boxes to the image, and drops one that lies wholly outside', () => {
    const t: DetectorTransform = { ...IDENTITY, width: 200, height: 256 };
    const [f] = decodeDetections(raw([{ anchor: anchorAt(0, 0, 4), logit: 5, w: 40, h: 40 }]), t);
    assert.deepEqual(f.box, { x: 0, y: 52, w: 28, h: 40 });
    assert.deepEqual(decodeDetections(raw([{ anchor: anchorAt(0, 15, 4), logit: 5, w: 20, h: 20 }]), t), []);
  });

  it('rejects outputs of the wrong size', () => {
    assert.throws(() => decodeDetections({ scores: new Float32Array(10), boxes: new Float32Array(160) }, IDENTITY));
  });
});

describe('NMS helpers', () => {
  it('iou and containedIn', () => {
    const a = { x: 0, y: 0, w: 10, h: 10 };
    assert.equal(iou(a, a), 1);
    assert.equal(iou(a, { x: 20, y: 0, w: 10, h: 10 }), 0);
    assert.ok(Math.abs(iou(a, { x: 5, y: 0, w: 10, h: 10 }) - 50 / 150) < 1e-12);
    assert.equal(containedIn({ x: 2, y: 2, w: 4, h: 4 }, a), 1);
    assert.equal(containedIn(a, { x: 2, y: 2, w: 4, h: 4 }), 0.16);
  });

  it('weightedNms averages a cluster by score and keeps the best score', () => {
    const out = weightedNms(
      [
        { box: { x: 0, y: 0, w: 10, h: 10 }, score: 0.9, keypoints: at(0, 0) },
        { box: { x: 2, y: 0, w: 10, h: 10 }, score: 0.3, keypoints: at(4, 0) },
        { box: { x: 50, y: 50, w: 10, h: 10 }, score: 0.6, keypoints: at(50, 50) },
      ],
      0.3,
    );
    assert.equal(out.length, 2);
    assert.equal(out[0].score, 0.9);
    assert.ok(Math.abs(out[0].box.x - 0.5) < 1e-12);
    assert.ok(Math.abs(out[0].keypoints.mouth.x - 1) < 1e-12);
    assert.equal(out[1].box.x, 50);
  });

  it('dropContained keeps faces side by side', () => {
    const c = (x: number, score: number): Candidate => ({ box: { x, y: 0, w: 10, h: 10 }, score, keypoints: at(x, 0) });
    assert.equal(dropContained([c(0, 0.9), c(8, 0.8), c(30, 0.7)], 0.5).length, 3);
    assert.equal(dropContained([c(0, 0.9), c(4, 0.8)], 0.5).length, 1);
  });
});

describe('faceCrop', () => {
  const img = { width: 400, height: 300 };
  it('is a square of factor x the larger side, centred on the box', () => {
    assert.deepEqual(faceCrop({ x: 150, y: 100, w: 80, h: 100 }, img, 1.2), { x: 130, y: 90, w: 120, h: 120 });
    assert.deepEqual(faceCrop({ x: 150, y: 100, w: 100, h: 100 }, img, 1), { x: 150, y: 100, w: 100, h: 100 });
  });
  it('moves inside the image where it fits', () => {
    assert.deepEqual(faceCrop({ x: 0, y: 250, w: 50, h: 50 }, img, 1.6), { x: 0, y: 220, w: 80, h: 80 });
    assert.deepEqual(faceCrop({ x: 360, y: 0, w: 40, h: 40 }, img, 2), { x: 320, y: 0, w: 80, h: 80 });
  });
  it('is clipped to the image when the image is smaller than the square', () => {
    assert.deepEqual(faceCrop({ x: 20, y: 20, w: 110, h: 110 }, { width: 150, height: 150 }, 1.6), { x: 0, y: 0, w: 150, h: 150 });
    assert.deepEqual(faceCrop({ x: 100, y: 10, w: 200, h: 200 }, { width: 400, height: 220 }, 1.4), { x: 60, y: 0, w: 280, h: 220 });
  });
});
