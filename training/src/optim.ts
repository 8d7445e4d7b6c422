/**
 * The optimizers (AdamW as torch.optim.AdamW; SGD with momentum, optionally Nesterov, as
 * torch.optim.SGD) and the learning-rate schedules (one-cycle; linear warm-up then cosine to 0).
 * Both optimizers keep their state in AdamState (SGD's momentum buffer in `m`), so a checkpoint
 * has one layout whichever the run uses.
 */
import { TRAINABLE, type Weights } from './model.ts';

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamState {
  step: number;
  m: Weights;
  v: Weights;
}

export function initAdam(w: Weights): AdamState {
  const m: Weights = {};
  const v: Weights = {};
  for (const s of TRAINABLE) {
    m[s.name] = new Float32Array(w[s.name].length);
    v[s.name] = new Float32Array(w[s.name].length);
  }
  return { step: 0, m, v };
}

/** One AdamW update, in place, of the weights the state holds moments for (initAdam: the trainable ones). */
export function adamwStep(w: Weights, grads: Weights, state: AdamState, cfg: AdamWConfig): void {
  state.step++;
  const bc1 = 1 - cfg.beta1 ** state.step;
  const bc2 = 1 - cfg.beta2 ** state.step;
  const stepSize = cfg.lr / bc1;
  const decay = 1 - cfg.lr * cfg.weightDecay;
  for (const name of Object.keys(state.m)) {
    const p = w[name];
    const g = grads[name];
    const m = state.m[name];
    const v = state.v[name];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * gi;
      v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * gi * gi;
      p[i] = p[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i] / bc2) + cfg.eps);
    }
  }
}

/**
 * One-cycle schedule (torch's OneCycleLR, cosine): from maxLr/25 up to maxLr over the first
 * `warmup` fraction of steps, then down to maxLr/25/1e4. The peak is at step round(warmup * total),
 * one step after torch's for pct_start = warmup (pct_start * total - 1): torch with
 * pct_start = (peak + 1) / total and cycle_momentum off gives these values (test/update.test.ts).
 */
export function oneCycleLr(step: number, totalSteps: number, maxLr: number, warmup: number): number {
  const initial = maxLr / 25;
  const final = initial / 1e4;
  const peak = Math.max(1, Math.round(warmup * totalSteps));
  const cos = (from: number, to: number, t: number) => to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;
  if (step < peak) return cos(initial, maxLr, step / peak);
  return cos(maxLr, final, Math.min(1, (step - peak) / Math.max(1, totalSteps - 1 - peak)));
}

export const OPTIMIZERS = ['adamw', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface SgdConfig {
  lr: number;
  momentum: number;
  nesterov: boolean;
  /** Coupled L2 decay, as torch.optim.SGD: added to the gradient. */
  weightDecay: number;
}

/**
 * One SGD update, in place (torch.optim.SGD, dampening 0): g += wd * p; the buffer starts as g and
 * then buf = momentum * buf + g; the step is g + momentum * buf with Nesterov, buf without.
 */
export function sgdStep(w: Weights, grads: Weights, state: AdamState, cfg: SgdConfig): void {
  state.step++;
  const first = state.step === 1;
  for (const name of Object.keys(state.m)) {
    const p = w[name];
    const g = grads[name];
    const buf = state.m[name];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + cfg.weightDecay * p[i];
      buf[i] = first ? gi : cfg.momentum * buf[i] + gi;
      p[i] -= cfg.lr * (cfg.nesterov ? gi + cfg.momentum * buf[i] : buf[i]);
    }
  }
}

export const SCHEDULES = ['one-cycle', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/**
 * 'cosine': linear warm-up from maxLr/peak to maxLr over the first `warmup` fraction of steps, then
 * cosine down to 0 at the last step (torch: SequentialLR of LinearLR(1/peak, 1, peak - 1) and
 * CosineAnnealingLR(total - peak), milestone peak). 'one-cycle': oneCycleLr.
 */
export function scheduledLr(schedule: ScheduleName, step: number, totalSteps: number, maxLr: number, warmup: number): number {
  if (schedule === 'one-cycle') return oneCycleLr(step, totalSteps, maxLr, warmup);
  const peak = Math.max(1, Math.round(warmup * totalSteps));
  if (step < peak) return (maxLr * (step + 1)) / peak;
  return (maxLr * (1 + Math.cos((Math.PI * Math.min(step - peak, totalSteps - peak)) / Math.max(1, totalSteps - peak)))) / 2;
}
