/**
 * Classification of regions of a decoded image: the SAME preprocessing as training evaluation
 * (`@emotion/core`), then ScratchCNN on onnxruntime-web. Takes any number of boxes, batched, so
 * face detection can hand it every face it finds. With flip test-time augmentation each crop's
 * mirror image rides in the same batch and the two views' probabilities are averaged, as
 * training's evaluation reports it (about +1 point of validation accuracy).
 */
import { CLASSES, INPUT_SIZE, mirrorInputs, UNCERTAIN_BELOW, type Emotion } from '@emotion/core';
import { runModel } from './engine.ts';
import { LIMITS } from '@emotion/core/api';

export type Scores = Record<Emotion, number>;

export interface Classification {
  emotion: Emotion;
  confidence: number;
  /** The top probability is under UNCERTAIN_BELOW (core/src/classes.ts): "not sure". */
  uncertain: boolean;
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
  return { emotion: best, confidence: scores[best], uncertain: scores[best] < UNCERTAIN_BELOW, scores };
}


/** The mean of two score records (the flip TTA average). */
function meanScores(a: Scores, b: Scores): Scores {
  return Object.fromEntries(CLASSES.map((c) => [c, (a[c] + b[c]) / 2])) as Scores;
}

/**
 * Classifies each model input (48x48 normalized, from core's cropInput), in batches of at most
 * LIMITS.maxBatch model rows per call (a bigger batch would grow ORT's memory for good): with `tta`
 * that is half as many inputs, each with its mirror. The caller loads the engine first (getEngine),
 * so that loading is not counted as inference.
 */
export async function classifyInputs(inputs: Float32Array[], opts: { tta: boolean }): Promise<{ results: Classification[]; timings: ClassifyTimings }> {
  const results: Classification[] = [];
  const timings: ClassifyTimings = { preprocess: 0, inference: 0 };
  const n = CLASSES.length;
  const per = INPUT_SIZE * INPUT_SIZE;
  const perCall = opts.tta ? Math.max(1, Math.floor(LIMITS.maxBatch / 2)) : LIMITS.maxBatch;
  for (let start = 0; start < inputs.length; start += perCall) {
    const batch = inputs.slice(start, start + perCall);
    const k = batch.length;
    const t0 = performance.now();
    const input = new Float32Array((opts.tta ? 2 : 1) * k * per);
    batch.forEach((x, i) => input.set(x, i * per));
    if (opts.tta) input.set(mirrorInputs(input.subarray(0, k * per)), k * per);
    const t1 = performance.now();
    const rows = opts.tta ? 2 * k : k;
    const logits = await runModel(input, rows, INPUT_SIZE);
    const t2 = performance.now();
    const scoresOf = (row: number) => softmax(logits.subarray(row * n, (row + 1) * n));
    for (let i = 0; i < k; i++) results.push(toClassification(opts.tta ? meanScores(scoresOf(i), scoresOf(k + i)) : scoresOf(i)));
    timings.preprocess += t1 - t0;
    timings.inference += t2 - t1;
  }
  return { results, timings };
}
