/** tools/blazeface/src/measure-alignment.ts: the canvas, the statistics, and the FER2013 fit it gave align.ts. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeGray } from '@emotion/core/decode';
import { ALIGN_EYE_CENTRE, ALIGN_EYE_MOUTH } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { type Landmarks, landmarksOf, placeOnCanvas, sampleTrain, stat, summarise } from '../src/measure-alignment.ts';
import { SHARED_DIR } from '../src/paths.ts';

const TRAIN = join(SHARED_DIR, 'fer2013', 'train');

function ferSkip(): false | string {
  if (existsSync(TRAIN)) return false;
  const msg = `FER2013 not found at ${TRAIN} (set SHARED_DIR or check out ../shared)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${msg}`);
  return msg;
}

describe('measure-alignment helpers', () => {
  it('places the enlarged face in the middle of the canvas, edge-repeated or on a flat gray', () => {
    const face = { width: 4, height: 4, data: Uint8Array.from({ length: 16 }, (_, i) => (i % 4) * 60) };
    const flat = placeOnCanvas(face, { factor: 2, side: 16, fill: 128 });
    assert.equal(flat.offset, 4);
    assert.equal(flat.image.data[0], 128);
    assert.equal(flat.image.data[4 * 16 + 4], 0);
    assert.equal(flat.image.data[4 * 16 + 11], 180);
    const edge = placeOnCanvas(face, { factor: 2, side: 16, fill: 'edge' });
    assert.equal(edge.offset, 4);
    assert.equal(edge.image.data[0], 0, 'left of the face: its left column');
    assert.equal(edge.image.data[15], 180, 'right of the face: its right column');
    assert.deepEqual(edge.image.data.subarray(5 * 16 + 4, 5 * 16 + 12), flat.image.data.subarray(5 * 16 + 4, 5 * 16 + 12));
  });

  it('medians and quartiles', () => {
    const s = stat([4, 1, 3, 2, 5]);
    assert.deepEqual([s.median, s.p25, s.p75], [3, 2, 4]);
    assert.ok(Math.abs(s.relIqr - 2 / 3) < 1e-12);
    const l: Landmarks = {
      cls: 0,
      score: 1,
      re: { x: 16, y: 19 },
      le: { x: 32, y: 19 },
      nose: { x: 24, y: 28 },
      mouth: { x: 24, y: 37 },
      box: { x: 4, y: 4, w: 40, h: 40 },
    };
    const m = summarise([l]);
    assert.equal(m.eyeDistance.median, 16);
    assert.equal(m.eyeMouth.median, 18);
    assert.equal(m.rollDeg.median, 0);
  });
});

describe('the FER2013 framing in align.ts', { skip: ferSkip() }, () => {
  it('BlazeFace finds most of 40 training faces and their keypoints sit near the fitted constants', async () => {
    const detector = await openFaceDetector(ort);
    const ls: Landmarks[] = [];
    const sample = sampleTrain(TRAIN, 40);
    for (const s of sample) {
      const l = await landmarksOf(
        detector,
        decodeGray(new Uint8Array(readFileSync(s.file))),
        { factor: 4, side: 512, fill: 'edge' },
        s.cls,
      );
      if (l) ls.push(l);
    }
    assert.ok(ls.length >= 34, `${ls.length} of 40 detected`);
    const m = summarise(ls);
    assert.ok(Math.abs(m.eyeCentreX.median - ALIGN_EYE_CENTRE.x) < 1.5, `eye centre x ${m.eyeCentreX.median}`);
    assert.ok(Math.abs(m.eyeCentreY.median - ALIGN_EYE_CENTRE.y) < 1.5, `eye centre y ${m.eyeCentreY.median}`);
    assert.ok(Math.abs(m.eyeMouth.median / ALIGN_EYE_MOUTH - 1) < 0.12, `eye-mouth ${m.eyeMouth.median}`);
  });
});
