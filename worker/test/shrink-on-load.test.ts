/**
 * Shrink-on-load against the full decode, on every local photo (../shared/photos and photos-dev):
 * each face's 48x48 model input read at the scales the worker uses matches the same aligned crop
 * cut from the full-size decode (within 2 levels mean absolute difference), its emotion scores
 * within 0.02 (onnxruntime-node), and the faces found are those of the full-size pipeline
 * (whole image, letterboxed), plus only faces that labels.json counts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { decodeGray, normalizePixels } from '@emotion/core';
import { decodeRgba } from '@emotion/core/decode';
import {
  alignedCrop,
  alignedInput,
  alignmentTransform,
  DEFAULT_DETECTION_OPTIONS,
  type FaceDetector,
  facesFromCandidates,
  findFaces,
} from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { openUpload } from '../src/decode.ts';
import { MODEL_PATH, SHARED } from './harness.ts';
import { referenceScores } from './reference-scores.ts';
import { photosSkip } from './shared-data.ts';

const skip = photosSkip();
let detector: FaceDetector;
let emotion: ort.InferenceSession;

before(async () => {
  if (skip) return;
  detector = await openFaceDetector(ort);
  emotion = await ort.InferenceSession.create(readFileSync(MODEL_PATH), { intraOpNumThreads: 1 });
});

function photos(): { dir: string; file: string; faces?: number }[] {
  const labels: { file: string; faces: number }[] = JSON.parse(readFileSync(join(SHARED, 'photos-dev', 'labels.json'), 'utf8'));
  const count = new Map(labels.map((l) => [l.file, l.faces]));
  return ['photos', 'photos-dev'].flatMap((dir) =>
    readdirSync(join(SHARED, dir))
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .map((file) => ({ dir, file, faces: dir === 'photos-dev' ? count.get(file) : undefined })),
  );
}

test("each face: the input read at reduced scale = the full decode's, within 2 levels and 0.02 of score", { skip }, async (t) => {
  let worstLevels = 0;
  let worstScore = 0;
  let n = 0;
  for (const p of photos()) {
    const bytes = new Uint8Array(readFileSync(join(SHARED, p.dir, p.file)));
    const image = openUpload(bytes);
    const { faces, detectionImage } = await findFaces(image, detector, {});
    const full = decodeGray(bytes, { maxPixels: 2 ** 26, maxMemoryMB: 2048 });
    for (const [i, f] of faces.entries()) {
      const scaled = alignedInput(image, f.keypoints, detectionImage).input;
      const reference = normalizePixels(alignedCrop(full, alignmentTransform(f.keypoints)));
      let sum = 0;
      for (let k = 0; k < scaled.length; k++) sum += Math.abs(scaled[k] - reference[k]) * 127.5;
      const levels = sum / scaled.length;
      const [a, b] = [await referenceScores(emotion, scaled), await referenceScores(emotion, reference)];
      const score = Math.max(...a.map((v, k) => Math.abs(v - b[k])));
      worstLevels = Math.max(worstLevels, levels);
      worstScore = Math.max(worstScore, score);
      n++;
      assert.ok(levels < 2, `${p.file} face ${i}: ${levels.toFixed(2)} levels from the full decode`);
      assert.ok(score < 0.02, `${p.file} face ${i}: scores ${score.toFixed(4)} from the full decode`);
    }
  }
  t.diagnostic(`${n} faces: worst mean difference ${worstLevels.toFixed(2)} levels, worst score difference ${worstScore.toFixed(4)}`);
  assert.ok(n >= 60, `${n} faces`);
});

test('faces found: those of the full-size pipeline, and more only where labels.json counts them', { skip }, async (t) => {
  const gained: string[] = [];
  for (const p of photos()) {
    const bytes = new Uint8Array(readFileSync(join(SHARED, p.dir, p.file)));
    const { faces } = await findFaces(openUpload(bytes), detector, {});
    // The full-size pipeline: the whole decode, letterboxed once, no tiles.
    const full = decodeRgba(bytes, { maxPixels: 2 ** 26, maxMemoryMB: 2048 });
    const opts = DEFAULT_DETECTION_OPTIONS;
    const before = facesFromCandidates(
      await detector.detect({ ...full, x0: 0, y0: 0, step: 1 }, { minScore: opts.scoreThreshold }),
      full,
      opts,
    );
    assert.ok(faces.length >= before.length, `${p.file}: ${faces.length} faces, ${before.length} with the full-size pipeline`);
    if (faces.length > before.length) {
      assert.ok(p.faces !== undefined && faces.length <= p.faces, `${p.file}: ${faces.length} faces, labels.json says ${p.faces}`);
      gained.push(`${p.file} ${before.length} -> ${faces.length} of ${p.faces}`);
    }
  }
  t.diagnostic(`faces gained by the tiles: ${gained.join(', ') || 'none'}`);
});
