/**
 * The on-device answer for a photo or a camera frame, in the shape of POST /classify's, so the
 * page shows both modes the same way. It is core's pipeline, as the worker runs it (decode with
 * openImage, detect with findFaces, align each face with alignedInput, ScratchCNN with flip TTA),
 * on the browser's onnxruntime-web. The one place the site wires it: when core gains its own
 * runtime-neutral analyzeImage/emotionClassifier, this module becomes a call to them.
 */
import { CLASSES, INPUT_SIZE, mirrorInputs, openImage, rgbaSource, UNCERTAIN_BELOW, type Emotion, type ImageSource } from '@emotion/core';
import { alignedInput, DEFAULT_DETECTION_OPTIONS, faceDetector, findFaces, readDetectionImage, type FaceDetector } from '@emotion/core/faces';
import type { Runtime } from './runtime';

/** As the worker's defaults (worker/src/limits.ts): the page has shrunk the photo to 1024 px already. */
const MAX_FACES = 50;
const MAX_BATCH = 10;
const SOURCE_LIMITS = { maxPixelsStreamed: 8192 * 8192, maxPixelsHeld: 24_000_000, maxSide: 8192, maxDecodeBytes: 60 * 2 ** 20, maxJpegScans: 100 };

type Scores = Record<Emotion, number>;

export interface DeviceFace {
  box: { x: number; y: number; w: number; h: number };
  detection_score: number;
  emotion: Emotion;
  confidence: number;
  uncertain: boolean;
  scores: Scores;
}

export interface DeviceAnswer {
  faces: DeviceFace[];
  message: string | null;
  image: { width: number; height: number };
  timings: { decode: number; detect: number; inference: number; total: number };
}

const detectors = new WeakMap<Runtime, FaceDetector>();
const detectorOf = (rt: Runtime) => {
  let d = detectors.get(rt);
  if (!d) detectors.set(rt, (d = faceDetector(rt.detector, rt.ort.Tensor)));
  return d;
};

function softmax(logits: ArrayLike<number>, offset: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < CLASSES.length; i++) max = Math.max(max, logits[offset + i]);
  const exps = CLASSES.map((_, i) => Math.exp(logits[offset + i] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** ScratchCNN on 48x48 inputs, each averaged with its mirror image (the worker's default tta=true). */
async function classify(rt: Runtime, inputs: Float32Array[]): Promise<Pick<DeviceFace, 'emotion' | 'confidence' | 'uncertain' | 'scores'>[]> {
  const per = INPUT_SIZE * INPUT_SIZE;
  const n = CLASSES.length;
  const out: Pick<DeviceFace, 'emotion' | 'confidence' | 'uncertain' | 'scores'>[] = [];
  const perCall = MAX_BATCH / 2;
  for (let start = 0; start < inputs.length; start += perCall) {
    const batch = inputs.slice(start, start + perCall);
    const k = batch.length;
    const data = new Float32Array(2 * k * per);
    batch.forEach((x, i) => data.set(x, i * per));
    data.set(mirrorInputs(data.subarray(0, k * per)), k * per);
    const feeds = { [rt.classifier.inputNames[0]]: new rt.ort.Tensor('float32', data, [2 * k, 1, INPUT_SIZE, INPUT_SIZE]) };
    const result = await rt.classifier.run(feeds);
    const logits = result[rt.classifier.outputNames[0]].data as Float32Array;
    for (let i = 0; i < k; i++) {
      const a = softmax(logits, i * n);
      const b = softmax(logits, (k + i) * n);
      const scores = Object.fromEntries(CLASSES.map((c, j) => [c, (a[j] + b[j]) / 2])) as Scores;
      const emotion = CLASSES.reduce((x, y) => (scores[y] > scores[x] ? y : x));
      out.push({ emotion, confidence: scores[emotion], uncertain: scores[emotion] < UNCERTAIN_BELOW, scores });
    }
    for (const t of Object.values(result)) t.dispose();
  }
  return out;
}

async function analyzeSource(rt: Runtime, source: ImageSource, t0: number): Promise<DeviceAnswer> {
  const detectionImage = readDetectionImage(source);
  const t1 = performance.now();
  const { faces } = await findFaces(source, detectorOf(rt), { maxFaces: MAX_FACES, scoreThreshold: DEFAULT_DETECTION_OPTIONS.scoreThreshold }, detectionImage);
  const t2 = performance.now();
  const inputs = faces.map((f) => alignedInput(source, f.keypoints, detectionImage).input);
  const t3 = performance.now();
  const results = await classify(rt, inputs);
  const t4 = performance.now();
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    faces: faces.map((f, i) => ({ box: f.box, detection_score: f.score, ...results[i] })),
    message: faces.length ? null : 'No face was found in this photo.',
    image: { width: source.width, height: source.height },
    timings: { decode: round(t1 - t0 + (t3 - t2)), detect: round(t2 - t1), inference: round(t4 - t3), total: round(t4 - t0) },
  };
}

/** A JPEG or PNG (the page's shrunk upload), as /classify would answer it. Throws core's ImageError for a bad file. */
export function analyzeBytes(rt: Runtime, bytes: Uint8Array): Promise<DeviceAnswer> {
  const t0 = performance.now();
  return analyzeSource(rt, openImage(bytes, SOURCE_LIMITS), t0);
}

/** A camera frame's pixels (canvas getImageData). */
export function analyzePixels(rt: Runtime, rgba: Uint8Array, width: number, height: number): Promise<DeviceAnswer> {
  const t0 = performance.now();
  return analyzeSource(rt, rgbaSource(rgba, width, height), t0);
}
