/**
 * Classification of regions of a decoded image: the SAME preprocessing as training evaluation
 * (`@emotion/core`), then ScratchCNN on onnxruntime-web. Takes any number of boxes in one batch, so
 * face detection can hand it every face it finds.
 */
import { CLASSES, INPUT_SIZE, toModelInput, type Box, type Emotion, type GrayImage } from '@emotion/core';
import { getEngine, isEngineReady, runModel } from './engine.ts';

export type Scores = Record<Emotion, number>;

export interface Classification {
  emotion: Emotion;
  confidence: number;
  scores: Scores;
}

export interface ClassifyTimings {
  preprocess: number;
  inference: number;
  /** Only on the request that waited for this isolate's model to load (cold start). */
  model_load?: number;
}

/** Softmax in float64 of one row of logits, as a class -> probability record. */
export function softmax(logits: ArrayLike<number>): Scores {
  let max = -Infinity;
  for (let i = 0; i < CLASSES.length; i++) max = Math.max(max, logits[i]);
  const exps = CLASSES.map((_, i) => Math.exp(logits[i] - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Object.fromEntries(CLASSES.map((c, i) => [c, exps[i] / sum])) as Scores;
}

export function toClassification(scores: Scores): Classification {
  let best: Emotion = CLASSES[0];
  for (const c of CLASSES) if (scores[c] > scores[best]) best = c;
  return { emotion: best, confidence: scores[best], scores };
}

/** The normalized 48x48 model input of each box, stacked [n, 1, 48, 48]. */
export function preprocessRegions(img: GrayImage, boxes: Box[]): Float32Array {
  const per = INPUT_SIZE * INPUT_SIZE;
  const batch = new Float32Array(boxes.length * per);
  boxes.forEach((box, i) => batch.set(toModelInput(img, box), i * per));
  return batch;
}

/** Classifies each box of the image (boxes already checked against it), in one model call. */
export async function classifyRegions(
  img: GrayImage,
  boxes: Box[],
): Promise<{ results: Classification[]; timings: ClassifyTimings }> {
  if (boxes.length === 0) return { results: [], timings: { preprocess: 0, inference: 0 } };
  const t0 = performance.now();
  const input = preprocessRegions(img, boxes);
  const t1 = performance.now();
  const cold = !isEngineReady();
  await getEngine();
  const t2 = performance.now();
  const logits = await runModel(input, boxes.length, INPUT_SIZE);
  const t3 = performance.now();
  const n = CLASSES.length;
  const results = boxes.map((_, i) => toClassification(softmax(logits.subarray(i * n, (i + 1) * n))));
  const timings: ClassifyTimings = { preprocess: t1 - t0, inference: t3 - t2 };
  if (cold) timings.model_load = t2 - t1;
  return { results, timings };
}
