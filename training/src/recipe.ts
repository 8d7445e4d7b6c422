/**
 * Recipe levers beyond the base run: per-class loss weights (--class-weights) and an exponential
 * moving average of the weights (--ema). Both off by default, which is the base recipe.
 */
import { NUM_CLASSES } from '@emotion/core/classes';
import { PARAM_SPECS, type Weights } from './model.ts';

export const CLASS_WEIGHTINGS = ['none', 'sqrt-inverse', 'inverse'] as const;
export type ClassWeighting = (typeof CLASS_WEIGHTINGS)[number];

/**
 * Per-class cross-entropy weights from the training class counts: proportional to 1/count
 * ('inverse') or 1/sqrt(count) ('sqrt-inverse'), normalised so the weighted mean over the
 * training samples, sum_k count_k * w_k / sum_k count_k, is exactly 1 (the loss keeps its scale).
 * 'none' gives null (unweighted). A class with no training images gets weight 0.
 */
export function classWeightsFor(counts: readonly number[], kind: ClassWeighting): number[] | null {
  if (kind === 'none') return null;
  if (counts.length !== NUM_CLASSES) throw new Error(`expected ${NUM_CLASSES} class counts, got ${counts.length}`);
  const raw = counts.map((c) => (c > 0 ? (kind === 'inverse' ? 1 / c : 1 / Math.sqrt(c)) : 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const weighted = counts.reduce((a, c, k) => a + c * raw[k], 0);
  return raw.map((r) => (r * total) / weighted);
}

export function parseClassWeighting(v: unknown): ClassWeighting {
  const s = v === undefined || v === null || v === '' ? 'none' : String(v);
  if (!(CLASS_WEIGHTINGS as readonly string[]).includes(s))
    throw new Error(`--class-weights must be one of ${CLASS_WEIGHTINGS.join(', ')}, got "${s}"`);
  return s as ClassWeighting;
}

/** A copy of every tensor of the model (trainable weights and BatchNorm running statistics). */
export function copyWeights(w: Weights): Weights {
  const out: Weights = {};
  for (const s of PARAM_SPECS) out[s.name] = Float32Array.from(w[s.name]);
  return out;
}

/**
 * One EMA update after an optimizer step, in place, over every tensor (running statistics too):
 *   ema <- decay * ema + (1 - decay) * w
 */
export function emaUpdate(ema: Weights, w: Weights, decay: number): void {
  const k = 1 - decay;
  for (const s of PARAM_SPECS) {
    const e = ema[s.name];
    const p = w[s.name];
    for (let i = 0; i < e.length; i++) e[i] = decay * e[i] + k * p[i];
  }
}

/** Copies every tensor of `from` into `to` (same views stay valid: the gradient threads' shared buffers). */
export function setWeights(to: Weights, from: Weights): void {
  for (const s of PARAM_SPECS) to[s.name].set(from[s.name]);
}
