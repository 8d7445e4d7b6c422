/**
 * Face detection against independent references (tools/references/make_detection.py: MediaPipe's
 * anchors, decoding and weighted NMS written again in Python, committed under fixtures/detection):
 * the faces of nine photos' raw BlazeFace outputs, the same photos through analyzeImage with the
 * committed models, and made-up overlapping candidates. Each comparison is against numbers our code
 * did not compute, so a changed IoU threshold (0.3 -> 0.9 moves faces by up to 36 px) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { type AnalyzeModels, analyzeImage } from '../src/analyze.ts';
import { ANALYZE_LIMITS } from '../src/api/limits.ts';
import type { Box } from '../src/box.ts';
import { openEmotionClassifier } from '../src/emotion/node.ts';
import {
  blazeFaceCandidates,
  DEFAULT_DETECTION_OPTIONS,
  DETECTOR_ANCHORS,
  DETECTOR_VALUES_PER_ANCHOR,
  facesFromCandidates,
  KEYPOINT_NAMES,
  type Keypoints,
} from '../src/faces/index.ts';
import { openFaceDetector } from '../src/faces/node.ts';
import { sharedPath, sharedSkip } from '../src/shared-data.ts';

interface ReferenceFace {
  box: Box;
  score: number;
  keypoints: Keypoints;
}
interface Outputs {
  photos: {
    name: string;
    width: number;
    height: number;
    scale: number;
    offset_x: number;
    offset_y: number;
    rows: { anchor: number; logit: number; values: number[] }[];
  }[];
}
interface Reference {
  iou_threshold: number;
  score_threshold: number;
  max_contained: number;
  photos: { name: string; faces: ReferenceFace[] }[];
  synthetic: { width: number; height: number; candidates: ReferenceFace[]; faces: ReferenceFace[] };
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`fixtures/detection/${name}`, import.meta.url), 'utf8'));
const outputs = fixture<Outputs>('outputs.json');
const reference = fixture<Reference>('reference.json');

/** Our faces equal the reference's: the same boxes, scores and keypoints, in the same order. */
function assertFaces(
  got: { box: Box; score: number; keypoints: Partial<Keypoints> }[],
  want: ReferenceFace[],
  what: string,
  tol = 1e-6,
): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} faces, the reference has ${want.length}`);
  got.forEach((f, i) => {
    assert.deepEqual(f.box, want[i].box, `${what} face ${i}: box`);
    assert.ok(Math.abs(f.score - want[i].score) < 1e-9, `${what} face ${i}: score ${f.score}, reference ${want[i].score}`);
    for (const name of KEYPOINT_NAMES) {
      const [p, q] = [f.keypoints[name] ?? { x: Number.NaN, y: Number.NaN }, want[i].keypoints[name]];
      assert.ok(Math.abs(p.x - q.x) < tol && Math.abs(p.y - q.y) < tol, `${what} face ${i}: ${name}`);
    }
  });
}

it('the reference was made with the defaults the detector runs with', () => {
  const d = DEFAULT_DETECTION_OPTIONS;
  assert.deepEqual(
    [reference.iou_threshold, reference.score_threshold, reference.max_contained],
    [d.iouThreshold, d.scoreThreshold, d.maxContained],
  );
});

it('made-up overlapping candidates merge to the reference faces', () => {
  const s = reference.synthetic;
  assertFaces(facesFromCandidates(s.candidates, s, DEFAULT_DETECTION_OPTIONS), s.faces, 'synthetic');
});

describe('the raw outputs of nine photos decode to the reference faces', () => {
  for (const p of outputs.photos) {
    it(p.name, () => {
      const scores = new Float32Array(DETECTOR_ANCHORS).fill(-100);
      const boxes = new Float32Array(DETECTOR_ANCHORS * DETECTOR_VALUES_PER_ANCHOR);
      for (const r of p.rows) {
        scores[r.anchor] = r.logit;
        boxes.set(r.values, r.anchor * DETECTOR_VALUES_PER_ANCHOR);
      }
      const t = { scaleX: p.scale, scaleY: p.scale, offsetX: p.offset_x, offsetY: p.offset_y, width: p.width, height: p.height };
      const want = reference.photos.find((r) => r.name === p.name)?.faces ?? [];
      const opts = DEFAULT_DETECTION_OPTIONS;
      assertFaces(facesFromCandidates(blazeFaceCandidates({ scores, boxes }, t, opts.scoreThreshold), t, opts), want, p.name);
    });
  }
});

describe('analyzeImage finds the reference faces (onnxruntime-node)', { skip: sharedSkip('photos/SOURCE.md') }, () => {
  let models: AnalyzeModels;
  before(async () => {
    models = { detector: await openFaceDetector(ort), classifier: await openEmotionClassifier(ort) };
  });
  const options = { detect: true, maxFaces: 20, minDetectionScore: reference.score_threshold, minFaceSize: 0, tta: true };
  for (const { name, faces } of reference.photos) {
    it(name, async () => {
      const a = await analyzeImage(new Uint8Array(readFileSync(sharedPath(name))), models, options, ANALYZE_LIMITS);
      const got = a.faces.map((f) => ({ box: f.box, score: f.detection_score ?? Number.NaN, keypoints: f.landmarks ?? {} }));
      // Landmarks are answered to 0.1 px.
      assertFaces(got, faces, name, 0.05 + 1e-9);
    });
  }
});
