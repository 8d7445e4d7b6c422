/**
 * Mixup and CutMix: the Beta sampler's moments, what each does to the pixels and targets, and the
 * soft-target loss: its value and gradients are lambda times those with the image's own label plus
 * 1 - lambda times those with the partner's (cross-entropy is linear in the target), computed by
 * two ordinary one-hot steps on the same mixed input.
 */

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { INPUT_PIXELS, NUM_CLASSES } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import { selectBackend } from '../src/backend.ts';
import { betaSample, mixBatch } from '../src/mix.ts';
import { initWeights, TRAINABLE } from '../src/model.ts';
import { sampleWeightsOf, trainStep } from '../src/step.ts';

describe('mixup and CutMix', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('Beta(a, a) has mean 1/2 and variance 1/(4(2a+1))', () => {
    const rng = new Rng(1);
    for (const a of [0.2, 1, 3]) {
      const xs = Array.from({ length: 20000 }, () => betaSample(rng, a, a));
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      assert.ok(xs.every((x) => x >= 0 && x <= 1));
      assert.ok(Math.abs(mean - 0.5) < 0.01, `a=${a}: mean ${mean}`);
      const want = 1 / (4 * (2 * a + 1));
      assert.ok(Math.abs(variance - want) < 0.05 * want + 0.002, `a=${a}: variance ${variance}, want ${want}`);
    }
  });

  const n = 6;
  const labels = Uint8Array.from([0, 1, 2, 3, 4, 5]);
  const images = () => Float32Array.from({ length: n * INPUT_PIXELS }, (_, i) => Math.floor(i / INPUT_PIXELS) / n + (i % 7) * 0.01);

  it('mixup blends each image with its partner by lambda, and so do the targets', () => {
    const x = images();
    const before = x.slice();
    const m = mixBatch(x, labels, n, new Rng(2), { mixup: 0.4, cutmix: 0, prob: 1 })!;
    assert.equal(m.kind, 'mixup');
    for (let i = 0; i < n; i++) {
      const j = m.partner[i];
      for (const k of [0, 100, INPUT_PIXELS - 1]) {
        const want = m.lambda * before[i * INPUT_PIXELS + k] + (1 - m.lambda) * before[j * INPUT_PIXELS + k];
        assert.ok(Math.abs(x[i * INPUT_PIXELS + k] - want) < 1e-6);
      }
      const t = m.targets.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
      assert.ok(Math.abs(t.reduce((s, v) => s + v, 0) - 1) < 1e-6);
      if (j !== i) assert.ok(Math.abs(t[labels[i]] - m.lambda) < 1e-6 && Math.abs(t[labels[j]] - (1 - m.lambda)) < 1e-6);
    }
  });

  it("CutMix pastes one box of the partner's pixels, lambda = 1 - its area", () => {
    const x = images();
    const before = x.slice();
    const m = mixBatch(x, labels, n, new Rng(3), { mixup: 0, cutmix: 1, prob: 1 })!;
    assert.equal(m.kind, 'cutmix');
    const i = [...m.partner].findIndex((j, k) => j !== k);
    const j = m.partner[i];
    let pasted = 0;
    for (let k = 0; k < INPUT_PIXELS; k++) {
      const v = x[i * INPUT_PIXELS + k];
      if (v !== before[i * INPUT_PIXELS + k]) {
        assert.equal(v, before[j * INPUT_PIXELS + k]);
        pasted++;
      }
    }
    assert.ok(Math.abs(1 - pasted / INPUT_PIXELS - m.lambda) < 1e-9, `pasted ${pasted}, lambda ${m.lambda}`);
  });

  it('is off at alpha 0, and at prob 0', () => {
    const x = images();
    assert.equal(mixBatch(x, labels, n, new Rng(4), { mixup: 0, cutmix: 0, prob: 1 }), null);
    assert.equal(mixBatch(x, labels, n, new Rng(4), { mixup: 1, cutmix: 1, prob: 0 }), null);
    assert.deepEqual(x, images());
  });

  it('the soft-target loss and gradients are the lambda mix of the two one-hot ones , and class weights mix by lambda', () => {
    const w = initWeights(7);
    const x = images();
    const m = mixBatch(x, labels, n, new Rng(5), { mixup: 1, cutmix: 0, prob: 1 })!;
    const partnerLabels = Uint8Array.from(m.partner, (j) => labels[j]);
    const soft = trainStep(w, x, labels, n, 9, 0.1, null, m.targets);
    const own = trainStep(w, x, labels, n, 9, 0.1, null);
    const other = trainStep(w, x, partnerLabels, n, 9, 0.1, null);
    assert.ok(Math.abs(soft.loss - (m.lambda * own.loss + (1 - m.lambda) * other.loss)) < 1e-5);
    for (const s of TRAINABLE) {
      const g = soft.grads[s.name];
      let maxDiff = 0;
      let scale = 0;
      for (let k = 0; k < g.length; k++) {
        const want = m.lambda * own.grads[s.name][k] + (1 - m.lambda) * other.grads[s.name][k];
        maxDiff = Math.max(maxDiff, Math.abs(g[k] - want));
        scale = Math.max(scale, Math.abs(want));
      }
      // float32 sums over every position of the batch: measured 1.4e-4 of the largest in the first layer; a wrong target is O(1).
      assert.ok(maxDiff <= 1e-3 * scale + 1e-7, `${s.name}: max diff ${maxDiff} (scale ${scale})`);
    }
    // With class weights, a mixed sample weighs lambda w(own label) + (1 - lambda) w(partner's).
    const classWeights = [1.2, 3, 1, 0.8, 0.9, 1, 1.1];
    const sw = sampleWeightsOf(labels, n, classWeights, m.targets)!;
    for (let i = 0; i < n; i++) {
      const want =
        m.partner[i] === i ? classWeights[labels[i]] : m.lambda * classWeights[labels[i]] + (1 - m.lambda) * classWeights[partnerLabels[i]];
      assert.ok(Math.abs(sw[i] - want) < 1e-6, `sample ${i}: ${sw[i]} vs ${want}`);
    }
  });
});
