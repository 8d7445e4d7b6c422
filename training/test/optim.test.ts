/**
 * SGD (momentum, Nesterov on and off, coupled weight decay) and the cosine schedule against
 * PyTorch (fixtures/optim-refs.json, made by references/make_optim_refs.py).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Weights } from '../src/model.ts';
import { type AdamState, scheduledLr, sgdStep } from '../src/optim.ts';

const refs = JSON.parse(readFileSync(new URL('./fixtures/optim-refs.json', import.meta.url), 'utf8'));
const f32 = (o: Record<string, number[]>): Weights => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float32Array.from(v)]));

describe('optimizers and schedules against PyTorch', () => {
  it('SGD: parameters and momentum buffers after each of 5 steps (torch.optim.SGD, Nesterov on and off)', () => {
    for (const { config, init, steps } of refs.sgd) {
      const w = f32(init);
      const zeros = () => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new Float32Array(v.length)]));
      const state: AdamState = { step: 0, m: zeros(), v: zeros() };
      for (const [s, step] of steps.entries()) {
        sgdStep(w, f32(step.grads), state, {
          lr: step.lr,
          momentum: config.momentum,
          nesterov: config.nesterov,
          weightDecay: config.weightDecay,
        });
        for (const k of Object.keys(w)) {
          const scale = Math.max(...step.params[k].map(Math.abs));
          w[k].forEach((v, i) =>
            assert.ok(
              Math.abs(v - step.params[k][i]) <= 1e-6 * scale,
              `nesterov ${config.nesterov} step ${s} ${k}[${i}]: ${v} vs ${step.params[k][i]}`,
            ),
          );
          state.m[k].forEach((v, i) => assert.ok(Math.abs(v - step.buf[k][i]) <= 1e-6 * Math.max(1, Math.abs(step.buf[k][i]))));
        }
      }
    }
  });

  it('cosine: linear warm-up then cosine to 0, as SequentialLR(LinearLR, CosineAnnealingLR)', () => {
    for (const c of refs.cosine) {
      for (const [step, lr] of Object.entries(c.lr) as [string, number][]) {
        const got = scheduledLr('cosine', Number(step), c.totalSteps, c.maxLr, c.warmup);
        assert.ok(Math.abs(got - lr) <= 1e-9 * c.maxLr, `total ${c.totalSteps} step ${step}: ${got} vs ${lr}`);
      }
    }
  });
});
