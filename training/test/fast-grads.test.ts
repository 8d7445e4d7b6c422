/**
 * The fast gradients (src/fast-grads.ts, src/batchnorm.ts) against tfjs-core's own gradients on
 * the cpu backend, and against finite differences, on small random tensors.
 */

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@emotion/core/rng';
import { batchNormRelu } from '../src/batchnorm.ts';
import { installFastGradients, useFastGradients } from '../src/fast-grads.ts';
import { initWeights, isConvBias, TRAINABLE } from '../src/model.ts';
import { trainStep } from '../src/step.ts';

function randn(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

/** Max |a - b| relative to max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Gradients of sum(f(inputs) * probe) w.r.t. every input, on a backend, with fast or reference gradients. */
async function gradsOn(
  backend: string,
  fast: boolean,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: { data: Float32Array; shape: number[] }[],
  probeSeed = 99,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  useFastGradients(fast);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
    const outShape = f(...xs).shape;
    const probe = tf.tensor(
      randn(
        outShape.reduce((a, b) => a * b, 1),
        probeSeed,
      ),
      outShape,
    );
    const g = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(f(...ts), probe)))(xs);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

const backends = ['wasm', 'cpu'];

describe('fast gradients match tfjs-core on the cpu backend', () => {
  before(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    installFastGradients();
  });

  for (const [label, xShape, wShape] of [
    ['1->4 channels', [2, 6, 6, 1], [3, 3, 1, 4]],
    ['3->5 channels, odd size', [3, 7, 5, 3], [3, 3, 3, 5]],
    ['8->8 channels', [2, 8, 8, 8], [3, 3, 8, 8]],
  ] as const) {
    for (const backend of backends) {
      it(`conv2d input and filter gradients, ${label}, on ${backend}`, async () => {
        const inputs = [
          {
            data: randn(
              (xShape as readonly number[]).reduce((a, b) => a * b),
              1,
            ),
            shape: [...xShape],
          },
          {
            data: randn(
              (wShape as readonly number[]).reduce((a, b) => a * b),
              2,
            ),
            shape: [...wShape],
          },
        ];
        const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
        const ref = await gradsOn('cpu', false, f, inputs);
        const got = await gradsOn(backend, true, f, inputs);
        assert.ok(relErr(got[0], ref[0]) < 1e-5, `dx rel err ${relErr(got[0], ref[0])}`);
        assert.ok(relErr(got[1], ref[1]) < 1e-5, `dw rel err ${relErr(got[1], ref[1])}`);
      });
    }
  }

  for (const backend of backends) {
    it(`max pool 2x2 gradient after ReLU on ${backend}`, async () => {
      const inputs = [{ data: randn(2 * 8 * 6 * 3, 3), shape: [2, 8, 6, 3] }];
      const f = (x: tf.Tensor) => tf.maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, 'valid');
      const ref = await gradsOn('cpu', false, f, inputs);
      const got = await gradsOn(backend, true, f, inputs);
      assert.ok(relErr(got[0], ref[0]) < 1e-6, `rel err ${relErr(got[0], ref[0])}`);
    });

    it(`dense (matMul) gradients on ${backend}`, async () => {
      const inputs = [
        { data: randn(5 * 7, 4), shape: [5, 7] },
        { data: randn(7 * 3, 5), shape: [7, 3] },
      ];
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
      const ref = await gradsOn('cpu', false, f, inputs);
      const got = await gradsOn(backend, true, f, inputs);
      got.forEach((g, i) => assert.ok(relErr(g, ref[i]) < 1e-5, `input ${i} rel err ${relErr(g, ref[i])}`));
    });

    it(`fused BatchNorm+ReLU matches moments + batchNorm + relu on ${backend}`, async () => {
      const shape = [4, 5, 5, 6];
      const inputs = [
        { data: randn(4 * 5 * 5 * 6, 6).map((v) => v * 2 + 0.5), shape },
        { data: randn(6, 7).map((v) => 1 + 0.3 * v), shape: [6] },
        { data: randn(6, 8).map((v) => 0.3 * v), shape: [6] },
      ];
      const reference = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.relu(tf.batchNorm(x, mean, variance, b, g, 1e-5));
      };
      const fused = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const out = batchNormRelu(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
        out.stats.mean.dispose();
        out.stats.variance.dispose();
        return out.y;
      };
      const ref = await gradsOn('cpu', false, reference, inputs);
      const got = await gradsOn(backend, true, fused, inputs);
      got.forEach((g, i) => assert.ok(relErr(g, ref[i]) < 1e-4, `input ${i} rel err ${relErr(g, ref[i])}`));
    });
  }

  it('conv2d filter gradient agrees with finite differences (wasm)', async () => {
    await tf.setBackend('wasm');
    useFastGradients(true);
    const x = randn(1 * 5 * 5 * 2, 11);
    const w = randn(3 * 3 * 2 * 3, 12);
    const probe = randn(1 * 5 * 5 * 3, 13);
    const loss = (wd: Float32Array) =>
      tf.tidy(
        () =>
          tf
            .sum(
              tf.mul(tf.conv2d(tf.tensor4d(x, [1, 5, 5, 2]), tf.tensor4d(wd, [3, 3, 2, 3]), 1, 'same'), tf.tensor4d(probe, [1, 5, 5, 3])),
            )
            .dataSync()[0],
      );
    const [analytic] = await gradsOn(
      'wasm',
      true,
      (xx, ww) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'),
      [
        { data: x, shape: [1, 5, 5, 2] },
        { data: w, shape: [3, 3, 2, 3] },
      ],
      13,
    ).then((g) => [g[1]]);
    for (const i of [0, 7, 20, 53]) {
      const eps = 1e-2;
      const plus = w.slice();
      plus[i] += eps;
      const minus = w.slice();
      minus[i] -= eps;
      const numeric = (loss(plus) - loss(minus)) / (2 * eps);
      assert.ok(
        Math.abs(numeric - analytic[i]) < 1e-2 * Math.max(1, Math.abs(numeric)),
        `w[${i}]: numeric ${numeric}, analytic ${analytic[i]}`,
      );
    }
  });

  it('every weight gradient of a whole ScratchCNN step on wasm matches the cpu reference', async () => {
    const w = initWeights(3);
    const n = 4;
    const x = randn(n * 48 * 48, 21).map((v) => Math.max(-1, Math.min(1, v * 0.5)));
    const y = Uint8Array.from([0, 3, 5, 6]);
    await tf.setBackend('cpu');
    useFastGradients(false);
    const ref = trainStep(w, x, y, n, 5, 0.1);
    await tf.setBackend('wasm');
    useFastGradients(true);
    const got = trainStep(w, x, y, n, 5, 0.1);
    assert.ok(Math.abs(got.loss - ref.loss) < 1e-4, `loss ${got.loss} vs ${ref.loss}`);
    for (const s of TRAINABLE) {
      if (isConvBias(s.name)) continue;
      const e = relErr(got.grads[s.name], ref.grads[s.name]);
      assert.ok(e < 1e-4, `${s.name}: rel err ${e}`);
    }
  });
});
