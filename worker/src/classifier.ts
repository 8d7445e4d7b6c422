/**
 * Classification of regions of a decoded image: the SAME preprocessing as training evaluation
 * (`@emotion/core`), then ScratchCNN on onnxruntime-web. Takes any number of boxes, batched, so
 * face detection can hand it every face it finds.
 */
import { CLASSES, INPUT_SIZE, toModelInput, type Box, type Emotion, type GrayImage } from '@emotion/core';
import { runModel } from './engine.ts';
import { LIMITS } from './limits.ts';

export type Scores = Record<Emotion, number>;

export interface Classification {
  emotion: Emotion;
  confidence: number;
  scores: Scores;
}

export interface ClassifyTimings {
  preprocess: number;
  inference: number;
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

/**
 * Classifies each box of the image (boxes already checked against it), in batches of at most
 * LIMITS.maxBatch per model call (a bigger batch would grow ORT's memory for good). The caller loads
 * the engine first (getEngine), so that loading is not counted as inference.
 */
export async function classifyRegions(
  img: GrayImage,
  boxes: Box[],
): Promise<{ results: Classification[]; timings: ClassifyTimings }> {
  const results: Classification[] = [];
  const timings: ClassifyTimings = { preprocess: 0, inference: 0 };
  const n = CLASSES.length;
  for (let start = 0; start < boxes.length; start += LIMITS.maxBatch) {
    const batch = boxes.slice(start, start + LIMITS.maxBatch);
    const t0 = performance.now();
    const input = preprocessRegions(img, batch);
    const t1 = performance.now();
    const logits = await runModel(input, batch.length, INPUT_SIZE);
    const t2 = performance.now();
    batch.forEach((_, i) => results.push(toClassification(softmax(logits.subarray(i * n, (i + 1) * n)))));
    timings.preprocess += t1 - t0;
    timings.inference += t2 - t1;
  }
  return { results, timings };
}
