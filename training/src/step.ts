/** One forward/backward pass on a batch: the unit of work the gradient pool runs, in this thread or a gradient thread. */

import { INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchStats } from './batchnorm.ts';
import { forwardEval, forwardTrain, isConvBias, TRAINABLE, toTensors, type Weights } from './model.ts';

export interface StepResult {
  /** Gradients of the mean loss over this batch, per trainable parameter. */
  grads: Weights;
  loss: number;
  correct: number;
  count: number;
  /** Per BatchNorm layer, in model order. */
  stats: { mean: Float32Array; variance: Float32Array; count: number }[];
}

export function batchTensor(x: Float32Array, n: number): tf.Tensor4D {
  return tf.tensor4d(x, [n, INPUT_SIZE, INPUT_SIZE, 1]);
}

function oneHot(labels: Uint8Array, n: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(Int32Array.from(labels.subarray(0, n)), 'int32'), NUM_CLASSES) as tf.Tensor2D;
}

/**
 * Softmax cross-entropy (label smoothing as tf.losses) with optional per-sample weights:
 * mean over the batch of w_i * CE_i. Without weights, exactly tf.losses' mean (today's objective).
 */
export function weightedCrossEntropy(
  targets: tf.Tensor2D,
  logits: tf.Tensor2D,
  labelSmoothing: number,
  sampleWeights?: tf.Tensor1D,
): tf.Scalar {
  if (!sampleWeights) return tf.losses.softmaxCrossEntropy(targets, logits, undefined, labelSmoothing) as tf.Scalar;
  const perSample = tf.losses.softmaxCrossEntropy(targets, logits, undefined, labelSmoothing, tf.Reduction.NONE) as tf.Tensor1D;
  return tf.mean(tf.mul(perSample, sampleWeights)) as tf.Scalar;
}

/**
 * Per-sample loss weights from per-class weights (null: unweighted); with soft targets (mixup,
 * CutMix) each sample's weight is its targets' mix of the class weights.
 */
export function sampleWeightsOf(
  labels: Uint8Array,
  n: number,
  classWeights: readonly number[] | null | undefined,
  soft?: Float32Array,
): Float32Array | null {
  if (!classWeights) return null;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!soft) out[i] = classWeights[labels[i]];
    else for (let k = 0; k < NUM_CLASSES; k++) out[i] += soft[i * NUM_CLASSES + k] * classWeights[k];
  }
  return out;
}

/**
 * `classWeights` (one per class, or null) weight each sample's cross-entropy by its label's weight,
 * inside the differentiated loss, so the gradients (not only the reported loss) are weighted.
 * `soft` [n, 7] replaces the one-hot targets (mixup, CutMix); accuracy still counts `labels`.
 */
export function trainStep(
  w: Weights,
  x: Float32Array,
  labels: Uint8Array,
  n: number,
  dropoutSeed: number | null,
  labelSmoothing: number,
  classWeights: readonly number[] | null = null,
  soft?: Float32Array,
): StepResult {
  const sw = sampleWeightsOf(labels, n, classWeights, soft);
  const stats: BatchStats[] = [];
  let logitsKept: tf.Tensor2D | undefined;
  // Conv biases are left out of the graph (batch statistics cancel them): their gradient is zero.
  const names = TRAINABLE.filter((s) => !isConvBias(s.name)).map((s) => s.name);
  const out = tf.tidy(() => {
    const params = toTensors(w, TRAINABLE);
    const input = batchTensor(x, n);
    const targets = soft ? tf.tensor2d(soft, [n, NUM_CLASSES]) : oneHot(labels, n);
    const weightsT = sw ? tf.tensor1d(sw) : undefined;
    const f = (...ts: tf.Tensor[]) => {
      const p: Record<string, tf.Tensor> = {};
      names.forEach((name, i) => (p[name] = ts[i]));
      const logits = forwardTrain(p, input, dropoutSeed, stats);
      logitsKept = tf.keep(logits);
      return weightedCrossEntropy(targets, logits, labelSmoothing, weightsT);
    };
    const { value, grads } = tf.valueAndGrads(f)(names.map((k) => params[k]));
    return { value, grads };
  });
  const result: StepResult = { grads: {}, loss: out.value.dataSync()[0], correct: 0, count: n, stats: [] };
  names.forEach((name, i) => (result.grads[name] = out.grads[i].dataSync() as Float32Array));
  for (const s of TRAINABLE) if (isConvBias(s.name)) result.grads[s.name] = new Float32Array(w[s.name].length);
  result.correct = countCorrect(logitsKept!, labels);
  for (const s of stats) {
    result.stats.push({ mean: s.mean.dataSync() as Float32Array, variance: s.variance.dataSync() as Float32Array, count: s.count });
    s.mean.dispose();
    s.variance.dispose();
  }
  tf.dispose([out.value, ...out.grads, logitsKept!]);
  return result;
}

function countCorrect(logits: tf.Tensor2D, labels: Uint8Array): number {
  const predT = tf.argMax(logits, 1);
  const pred = predT.dataSync();
  predT.dispose();
  let c = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) c++;
  return c;
}

/** Inference-mode logits for a batch, as a flat [n * 7] array. */
export function evalLogits(w: Weights, x: Float32Array, n: number): Float32Array {
  return tf.tidy(() => forwardEval(w, batchTensor(x, n)).dataSync() as Float32Array);
}
