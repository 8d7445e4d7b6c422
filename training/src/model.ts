/**
 * ScratchCNN, the one model definition (../shared/MODEL.md). Parameters are plain Float32Arrays in
 * TensorFlow.js layouts (conv [3, 3, in, out], dense [in, out], NHWC flatten order), keyed by the
 * PyTorch state_dict name they export to; layout.ts converts. Keeping the weights outside tfjs lets
 * one copy feed several gradient threads and makes checkpoints plain files.
 */

import { INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import * as tf from '@tensorflow/tfjs-core';
import { type BatchStats, batchNormRelu } from './batchnorm.ts';

/** PyTorch defines BatchNorm with eps 1e-5 and momentum 0.1 (tfjs would say momentum 0.9). */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
export const DROPOUT = 0.4;

interface ConvBlock {
  conv: number; // index in PyTorch's `features`
  bn: number;
  cin: number;
  cout: number;
  pool: boolean;
}

export const CONV_BLOCKS: readonly ConvBlock[] = [
  { conv: 0, bn: 1, cin: 1, cout: 32, pool: false },
  { conv: 3, bn: 4, cin: 32, cout: 32, pool: true },
  { conv: 7, bn: 8, cin: 32, cout: 64, pool: false },
  { conv: 10, bn: 11, cin: 64, cout: 64, pool: true },
  { conv: 14, bn: 15, cin: 64, cout: 128, pool: true },
  { conv: 18, bn: 19, cin: 128, cout: 264, pool: true },
];
export const FLAT_HW = 3;
export const FLAT_C = 264;
export const FLAT = FLAT_HW * FLAT_HW * FLAT_C; // 2376
export const HIDDEN = 256;

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Trained by the optimizer (false for BatchNorm running statistics). */
  trainable: boolean;
  init: 'uniform' | 'ones' | 'zeros';
  fanIn?: number;
}

function buildSpecs(): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const b of CONV_BLOCKS) {
    const fanIn = b.cin * 9;
    specs.push({ name: `features.${b.conv}.weight`, shape: [3, 3, b.cin, b.cout], trainable: true, init: 'uniform', fanIn });
    specs.push({ name: `features.${b.conv}.bias`, shape: [b.cout], trainable: true, init: 'uniform', fanIn });
    specs.push({ name: `features.${b.bn}.weight`, shape: [b.cout], trainable: true, init: 'ones' });
    specs.push({ name: `features.${b.bn}.bias`, shape: [b.cout], trainable: true, init: 'zeros' });
    specs.push({ name: `features.${b.bn}.running_mean`, shape: [b.cout], trainable: false, init: 'zeros' });
    specs.push({ name: `features.${b.bn}.running_var`, shape: [b.cout], trainable: false, init: 'ones' });
  }
  specs.push({ name: 'classifier.1.weight', shape: [FLAT, HIDDEN], trainable: true, init: 'uniform', fanIn: FLAT });
  specs.push({ name: 'classifier.1.bias', shape: [HIDDEN], trainable: true, init: 'uniform', fanIn: FLAT });
  specs.push({ name: 'classifier.4.weight', shape: [HIDDEN, NUM_CLASSES], trainable: true, init: 'uniform', fanIn: HIDDEN });
  specs.push({ name: 'classifier.4.bias', shape: [NUM_CLASSES], trainable: true, init: 'uniform', fanIn: HIDDEN });
  return specs;
}

export const PARAM_SPECS: readonly ParamSpec[] = buildSpecs();
export const TRAINABLE: readonly ParamSpec[] = PARAM_SPECS.filter((s) => s.trainable);

const CONV_BIASES = new Set(CONV_BLOCKS.map((b) => `features.${b.conv}.bias`));
export function isConvBias(name: string): boolean {
  return CONV_BIASES.has(name);
}

export type Weights = Record<string, Float32Array>;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function countParams(trainableOnly = true): number {
  return PARAM_SPECS.filter((s) => s.trainable || !trainableOnly).reduce((n, s) => n + sizeOf(s.shape), 0);
}

/** PyTorch's default initialisation (kaiming_uniform with a=sqrt(5): U(+-1/sqrt(fan_in))). */
export function initWeights(seed: number): Weights {
  const rng = new Rng(seed);
  const w: Weights = {};
  for (const s of PARAM_SPECS) {
    const a = new Float32Array(sizeOf(s.shape));
    if (s.init === 'ones') a.fill(1);
    else if (s.init === 'uniform') {
      const bound = 1 / Math.sqrt(s.fanIn!);
      for (let i = 0; i < a.length; i++) a[i] = (rng.next() * 2 - 1) * bound;
    }
    w[s.name] = a;
  }
  return w;
}

type TensorMap = Record<string, tf.Tensor>;

export function toTensors(w: Weights, names: readonly ParamSpec[] = PARAM_SPECS): TensorMap {
  const t: TensorMap = {};
  for (const s of names) t[s.name] = tf.tensor(w[s.name], s.shape, 'float32');
  return t;
}

function maxPool(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 2, 2, 'valid');
}

function head(p: TensorMap, x: tf.Tensor4D, dropoutSeed: number | null): tf.Tensor2D {
  let h: tf.Tensor2D = tf.reshape(x, [x.shape[0], FLAT]);
  if (dropoutSeed !== null) h = tf.dropout(h, DROPOUT, undefined, dropoutSeed) as tf.Tensor2D;
  h = tf.relu(tf.add(tf.matMul(h, p['classifier.1.weight'] as tf.Tensor2D), p['classifier.1.bias'])) as tf.Tensor2D;
  if (dropoutSeed !== null) h = tf.dropout(h, DROPOUT, undefined, dropoutSeed + 1) as tf.Tensor2D;
  return tf.add(tf.matMul(h, p['classifier.4.weight'] as tf.Tensor2D), p['classifier.4.bias']) as tf.Tensor2D;
}

/**
 * Training-mode forward pass: BatchNorm on batch statistics (pushed to `stats` for the running
 * averages), dropout on (off with a null seed: the PyTorch reference test). `x` is [N, 48, 48, 1] normalized.
 */
export function forwardTrain(p: TensorMap, x: tf.Tensor4D, dropoutSeed: number | null, stats: BatchStats[]): tf.Tensor2D {
  let h = x;
  for (const b of CONV_BLOCKS) {
    // The conv bias is left out: batch statistics cancel it, so its gradient is exactly zero in
    // training mode (as in PyTorch) and it only shifts the running mean (see runningStats).
    const z = tf.conv2d(h, p[`features.${b.conv}.weight`] as tf.Tensor4D, 1, 'same');
    const out = batchNormRelu(z, p[`features.${b.bn}.weight`] as tf.Tensor1D, p[`features.${b.bn}.bias`] as tf.Tensor1D, BN_EPS);
    stats.push(out.stats);
    h = b.pool ? maxPool(out.y) : out.y;
  }
  return head(p, h, dropoutSeed);
}

/** Per-channel scale and shift of an inference-mode conv+BN (BatchNorm folded). */
export function foldedBatchNorm(w: Weights, b: ConvBlock): { scale: Float32Array; shift: Float32Array } {
  const gamma = w[`features.${b.bn}.weight`];
  const beta = w[`features.${b.bn}.bias`];
  const mean = w[`features.${b.bn}.running_mean`];
  const variance = w[`features.${b.bn}.running_var`];
  const bias = w[`features.${b.conv}.bias`];
  const scale = new Float32Array(b.cout);
  const shift = new Float32Array(b.cout);
  for (let c = 0; c < b.cout; c++) {
    scale[c] = gamma[c] / Math.sqrt(variance[c] + BN_EPS);
    shift[c] = beta[c] + (bias[c] - mean[c]) * scale[c];
  }
  return { scale, shift };
}

/** Inference-mode forward pass (running statistics, no dropout): logits [N, 7]. */
export function forwardEval(w: Weights, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    let h = x;
    for (const b of CONV_BLOCKS) {
      const { scale, shift } = foldedBatchNorm(w, b);
      const z = tf.conv2d(h, tf.tensor4d(w[`features.${b.conv}.weight`], [3, 3, b.cin, b.cout]), 1, 'same');
      const y = tf.relu(tf.add(tf.mul(z, tf.tensor1d(scale)), tf.tensor1d(shift))) as tf.Tensor4D;
      h = b.pool ? maxPool(y) : y;
    }
    return head(
      toTensors(
        w,
        PARAM_SPECS.filter((s) => s.name.startsWith('classifier')),
      ),
      h,
      null,
    );
  });
}

export const INPUT_SHAPE = [INPUT_SIZE, INPUT_SIZE, 1] as const;
