/**
 * The training update after the gradients, against PyTorch (fixtures/update-refs.json, made by
 * references/make_update_refs.py): AdamW, the one-cycle learning rate, BatchNorm running
 * statistics; and the data-parallel gradient, against the same shards computed in this thread.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { INPUT_PIXELS } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend.ts';
import { batchNormRelu } from '../src/batchnorm.ts';
import { loadWeights } from '../src/checkpoint.ts';
import { averageGrads, updateRunningLayer } from '../src/combine.ts';
import type { Dataset } from '../src/data.ts';
import { threadPool } from '../src/gradient-pool.ts';
import { initWeights, isConvBias, TRAINABLE, type Weights } from '../src/model.ts';
import { type AdamState, adamwStep, oneCycleLr } from '../src/optim.ts';
import { runStep, type StepRequest, sharedWeights } from '../src/shard.ts';
import { trainStep } from '../src/step.ts';

const refs = JSON.parse(readFileSync(new URL('./fixtures/update-refs.json', import.meta.url), 'utf8'));

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/**
 * |got - want| <= rel * |want| per element, or with `normwise` rel * max |want| of the tensor.
 * torch computed in float64; ours stores float32 (2^-24 = 6e-8 relative per rounding). AdamW is
 * normwise: a parameter that decays towards zero keeps the absolute rounding of its earlier, larger
 * values (one element: 8.5e-10 on 5.2e-4, 1.6e-6 of itself, 1e-9 of the tensor's largest).
 */
function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string, normwise = false): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = maxAbs(want);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const bound = rel * (normwise ? scale : Math.abs(want[i]));
    assert.ok(err <= bound, `${what}[${i}]: ${got[i]} vs ${want[i]} (error ${err}, bound ${bound})`);
  }
}

/** Full-network gradients: float32 (tfjs) against float64 (torch); see the test. */
const GRAD_TOL = 1e-5;

const f32 = (o: Record<string, number[]>): Weights => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float32Array.from(v)]));

describe('training update against PyTorch', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('AdamW: parameters and both moments after each of 5 steps, lr changing (torch.optim.AdamW)', () => {
    const { config, init, steps } = refs.adamw;
    const w = f32(init);
    const zeros = () => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, new Float32Array(v.length)]));
    const state: AdamState = { step: 0, m: zeros(), v: zeros() };
    steps.forEach((s: any, i: number) => {
      adamwStep(w, f32(s.grads), state, { ...config, lr: s.lr });
      for (const k of Object.keys(init)) {
        assertClose(w[k], s.params[k], 1e-6, `step ${i + 1} param ${k}`, true);
        assertClose(state.m[k], s.m[k], 1e-6, `step ${i + 1} m ${k}`, true);
        assertClose(state.v[k], s.v[k], 1e-6, `step ${i + 1} v ${k}`, true);
      }
    });
  });

  it('one-cycle learning rate at warm-up, peak and annealing steps (torch OneCycleLR, cosine)', () => {
    for (const c of refs.one_cycle) {
      const steps = Object.keys(c.lr).map(Number);
      const got = steps.map((s) => oneCycleLr(s, c.totalSteps, c.maxLr, c.warmup));
      assertClose(
        got,
        steps.map((s) => c.lr[s]),
        1e-9,
        `${c.totalSteps} steps, warm-up ${c.warmup}, lr at steps ${steps.join(', ')}`,
      );
    }
  });

  it('BatchNorm running mean and unbiased variance after 3 batches split in two shards (torch BatchNorm2d, momentum 0.1)', () => {
    const { shape, bias, running_mean, running_var, batches } = refs.batchnorm;
    const [n, h, w, c] = shape as [number, number, number, number];
    const rm = Float32Array.from(running_mean);
    const rv = Float32Array.from(running_var);
    const one = tf.ones([c]) as tf.Tensor1D;
    const zero = tf.zeros([c]) as tf.Tensor1D;
    batches.forEach((b: any, i: number) => {
      const x = Float32Array.from(b.x);
      // Unequal shards (4 + 2 images), so the merge of their moments is weighted by size.
      const shards = [x.subarray(0, 4 * h * w * c), x.subarray(4 * h * w * c)].map((part) => {
        const { y, stats } = batchNormRelu(tf.tensor4d(part, [part.length / (h * w * c), h, w, c]), one, zero, 1e-5);
        const out = {
          mean: stats.mean.dataSync() as Float32Array,
          variance: stats.variance.dataSync() as Float32Array,
          count: stats.count,
        };
        tf.dispose([y, stats.mean, stats.variance]);
        return out;
      });
      assert.equal(shards[0].count + shards[1].count, n * h * w);
      updateRunningLayer(rm, rv, Float32Array.from(bias), shards, 0.1);
      assertClose(rm, b.running_mean, 1e-6, `batch ${i + 1} running_mean`);
      assertClose(rv, b.running_var, 1e-6, `batch ${i + 1} running_var`);
    });
    tf.dispose([one, zero]);
  });

  it("full ScratchCNN forward/backward on 4 PublicTest images, dropout off: loss and every parameter's gradient (torch float64)", () => {
    const ref = refs.full_net;
    const { weights } = loadWeights(fileURLToPath(new URL(`../${ref.weights}`, import.meta.url)));
    const x = Float32Array.from(ref.pixels as number[], (p) => (p / 255 - 0.5) / 0.5);
    const labels = Uint8Array.from(ref.labels);
    const r = trainStep(weights, x, labels, labels.length, null, ref.label_smoothing);
    // float32 through 6 convs and 2 dense layers against float64: 1e-6 is not reachable for the
    // gradients (measured: up to 3.8e-6 of a tensor's largest element, L2 norms within 1.2e-6),
    // so GRAD_TOL is 1e-5; the loss holds to 1e-6 (measured 1.1e-7).
    assertClose([r.loss], [ref.loss], 1e-6, 'loss');
    let checked = 0;
    for (const [name, g] of Object.entries(ref.grads) as [string, { index: number[]; value: number[]; max_abs: number; l2: number }][]) {
      if (isConvBias(name)) {
        // Batch statistics cancel the conv bias: zero here by construction, rounding noise in torch.
        assert.ok(g.max_abs < 1e-9 * ref.grads['features.0.weight'].max_abs, `${name}: torch's gradient is ${g.max_abs}`);
        continue;
      }
      const got = r.grads[name];
      assertClose(
        g.index.map((i) => got[i]),
        g.value,
        GRAD_TOL,
        `gradient ${name}`,
        true,
      );
      let l2 = 0;
      for (const v of got) l2 += v * v;
      assertClose([Math.sqrt(l2)], [g.l2], GRAD_TOL, `gradient ${name} L2 norm`);
      checked++;
    }
    assert.equal(checked, 22, '6 conv weights, 12 BatchNorm, 4 dense');
  });
});

describe('data-parallel gradient', () => {
  it('two worker threads average to the size-weighted mean of the same shards computed in this thread', async () => {
    await selectBackend('wasm');
    const r = new Rng(3);
    const n = 12;
    const train: Dataset = {
      images: Uint8Array.from({ length: n * INPUT_PIXELS }, () => Math.floor(r.next() * 256)),
      labels: Uint8Array.from({ length: n }, (_, i) => i % 7),
      n,
      source: 'random',
    };
    const { buffer, weights } = sharedWeights(initWeights(7));
    // Unequal shards (7 + 5): an unweighted mean of the two would be wrong.
    const reqs: StepRequest[] = [
      [0, 7],
      [7, 12],
    ].map(([s, e], k) => ({
      indices: Uint32Array.from({ length: e - s }, (_, i) => s + i),
      augSeed: 10 + k,
      dropoutSeed: 20 + k,
      labelSmoothing: 0.1,
      augment: true,
    }));
    const pool = await threadPool(2, 'wasm', { train, val: train }, buffer);
    let threads: ReturnType<typeof averageGrads>;
    try {
      threads = averageGrads(await pool.step(reqs));
    } finally {
      await pool.close();
    }
    const here = reqs.map((q) => runStep(train, weights, q));
    let checked = 0;
    for (const s of TRAINABLE) {
      const want = new Float64Array(here[0].grads[s.name].length);
      for (const h of here) h.grads[s.name].forEach((g, i) => (want[i] += (g * h.count) / n));
      const scale = maxAbs(want);
      if (scale === 0) continue; // conv biases: left out of the graph
      // Relative to the tensor's largest gradient: single elements can cancel to near zero.
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(threads[s.name][i] - want[i]));
      assert.ok(maxDiff <= 1e-6 * scale, `${s.name}: max diff ${maxDiff} against gradients up to ${scale}`);
      checked++;
    }
    assert.ok(checked >= 14, `${checked} parameter tensors with gradients`);
  });
});
