/**
 * The recipe levers: class-weighted cross-entropy (value and gradient, in the gradient threads),
 * the EMA of the weights, --init, and resume staying exact with both on.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { INPUT_PIXELS, NUM_CLASSES } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import { tempDir } from '@emotion/core/testing/temp-dir';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend.ts';
import { FILES, loadCheckpoint, loadWeights, readMetrics, saveCheckpoint, writeMetrics } from '../src/checkpoint.ts';
import type { Dataset } from '../src/data.ts';
import { exportRun, MODEL_FILES } from '../src/export.ts';
import { threadPool } from '../src/gradient-pool.ts';
import { initWeights, PARAM_SPECS, TRAINABLE, type Weights } from '../src/model.ts';
import { initAdam } from '../src/optim.ts';
import { classWeightsFor, copyWeights, emaUpdate } from '../src/recipe.ts';
import { runStep, type StepRequest, sharedWeights } from '../src/shard.ts';
import { trainStep, weightedCrossEntropy } from '../src/step.ts';
import { train } from '../src/train.ts';
import { FER, needsShared } from './helpers.ts';

const COUNTS = [3995, 436, 4097, 7215, 4965, 4830, 3171]; // FER2013 train

describe('class weights', () => {
  it('are 1/count or 1/sqrt(count), normalised to a weighted mean of 1 over the training samples', () => {
    assert.equal(classWeightsFor(COUNTS, 'none'), null);
    const total = COUNTS.reduce((a, b) => a + b, 0);
    for (const kind of ['inverse', 'sqrt-inverse'] as const) {
      const w = classWeightsFor(COUNTS, kind)!;
      const mean = COUNTS.reduce((a, c, k) => a + c * w[k], 0) / total;
      assert.ok(Math.abs(mean - 1) < 1e-12, `${kind}: weighted mean ${mean}`);
      const f = (c: number) => (kind === 'inverse' ? 1 / c : 1 / Math.sqrt(c));
      for (let k = 1; k < NUM_CLASSES; k++) assert.ok(Math.abs(w[k] / w[0] - f(COUNTS[k]) / f(COUNTS[0])) < 1e-12);
    }
    // By hand: inverse weights are total / (K * count).
    assert.ok(Math.abs(classWeightsFor(COUNTS, 'inverse')![1] - total / (7 * 436)) < 1e-12);
  });
});

describe('class-weighted cross-entropy', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('value and logit gradient equal a hand computation on a tiny batch (label smoothing 0.1)', () => {
    const logits = [
      [1.0, -0.5, 0.2, 2.0, 0.0, -1.0, 0.3],
      [-0.2, 1.5, 0.1, -0.3, 0.4, 0.0, -0.7],
      [0.5, 0.5, -1.2, 0.0, 1.1, 0.9, -0.1],
    ];
    const labels = [3, 1, 5];
    const classW = [1, 4, 1, 0.5, 1, 2, 1];
    const ls = 0.1;
    const n = labels.length;
    // By hand: q = (1 - ls) onehot + ls / K, CE_i = -sum_k q_ik log p_ik, L = (1/n) sum_i w_i CE_i,
    // dL/dz_ik = w_i (p_ik - q_ik) / n.
    let expectLoss = 0;
    const expectGrad: number[][] = [];
    logits.forEach((z, i) => {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const s = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / s);
      const q = z.map((_, k) => (k === labels[i] ? 1 - ls : 0) + ls / NUM_CLASSES);
      const wi = classW[labels[i]];
      expectLoss += (wi * -q.reduce((a, qk, k) => a + qk * Math.log(p[k]), 0)) / n;
      expectGrad.push(p.map((pk, k) => (wi * (pk - q[k])) / n));
    });
    const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES) as tf.Tensor2D;
    const sw = tf.tensor1d(labels.map((y) => classW[y]));
    const f = (z: tf.Tensor) => weightedCrossEntropy(targets, z as tf.Tensor2D, ls, sw);
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(logits));
    assert.ok(Math.abs(value.dataSync()[0] - expectLoss) < 1e-5, `loss ${value.dataSync()[0]} vs ${expectLoss}`);
    const g = grad.dataSync();
    expectGrad.flat().forEach((v, i) => assert.ok(Math.abs(g[i] - v) < 1e-6, `grad[${i}] ${g[i]} vs ${v}`));
    // Unweighted, it is tf.losses' mean: all-ones weights give the same value.
    const plain = weightedCrossEntropy(targets, tf.tensor2d(logits), ls).dataSync()[0];
    const ones = weightedCrossEntropy(targets, tf.tensor2d(logits), ls, tf.ones([n]) as tf.Tensor1D).dataSync()[0];
    assert.ok(Math.abs(plain - ones) < 1e-6);
  });

  function tinyBatch(n: number) {
    const r = new Rng(3);
    const x = Float32Array.from({ length: n * INPUT_PIXELS }, () => r.uniform(-1, 1));
    const y = Uint8Array.from({ length: n }, (_, i) => i % NUM_CLASSES);
    return { x, y };
  }

  it('weights the gradients of a training step, not only its loss', () => {
    const w = initWeights(4);
    const { x, y } = tinyBatch(8);
    const plain = trainStep(w, x, y, 8, 77, 0.1);
    const doubled = trainStep(w, x, y, 8, 77, 0.1, new Array(NUM_CLASSES).fill(2));
    const skewed = trainStep(w, x, y, 8, 77, 0.1, [1, 6, 1, 1, 1, 1, 1]);
    assert.ok(Math.abs(doubled.loss - 2 * plain.loss) < 1e-5 * plain.loss);
    let differs = 0;
    for (const s of TRAINABLE) {
      const a = plain.grads[s.name];
      const b = doubled.grads[s.name];
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(b[i] - 2 * a[i]) <= 1e-5 * (Math.abs(a[i]) + 1e-4), `${s.name}[${i}]`);
      const c = skewed.grads[s.name];
      for (let i = 0; i < a.length; i++) if (Math.abs(c[i] - a[i]) > 1e-6) differs++;
    }
    assert.ok(differs > 1000, `non-uniform class weights change the gradients (${differs} entries differ)`);
  });

  it('reaches the gradient threads through the step request', async () => {
    const n = 8;
    const r = new Rng(8);
    const images = new Uint8Array(new SharedArrayBuffer(n * INPUT_PIXELS)).map(() => Math.floor(r.next() * 256));
    const labels = new Uint8Array(new SharedArrayBuffer(n)).map((_, i) => i % NUM_CLASSES);
    const data: Dataset = { images, labels, n, source: 'test' };
    const { buffer, weights } = sharedWeights(initWeights(5));
    const pool = await threadPool(1, 'wasm', { train: data, val: data }, buffer);
    try {
      const req: StepRequest = {
        indices: Uint32Array.from({ length: n }, (_, i) => i),
        augSeed: 1,
        dropoutSeed: 2,
        labelSmoothing: 0.1,
        augment: false,
      };
      const [plain] = await pool.step([req]);
      const [weighted] = await pool.step([{ ...req, classWeights: new Array(NUM_CLASSES).fill(3) }]);
      const local = runStep(data, weights, { ...req, classWeights: new Array(NUM_CLASSES).fill(3) });
      assert.ok(Math.abs(weighted.loss - 3 * plain.loss) < 1e-5 * plain.loss);
      const name = 'classifier.4.weight';
      const a = plain.grads[name];
      const b = weighted.grads[name];
      const scale = Math.max(...a.map(Math.abs));
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(b[i] - 3 * a[i]) <= 1e-5 * scale, `${name}[${i}]: ${b[i]} vs 3 x ${a[i]}`);
      assert.deepEqual(Array.from(local.grads[name]), Array.from(b), 'worker thread and in-process agree');
    } finally {
      await pool.close();
    }
  });
});

describe('EMA of the weights', () => {
  it('ema <- decay * ema + (1 - decay) * w, over every tensor including BatchNorm statistics', () => {
    const w0 = initWeights(1);
    const w1 = initWeights(2);
    for (const s of PARAM_SPECS) if (s.name.endsWith('running_var')) w1[s.name].fill(3);
    const ema = copyWeights(w0);
    emaUpdate(ema, w1, 0.9);
    for (const s of PARAM_SPECS) {
      for (let i = 0; i < ema[s.name].length; i += 97) {
        assert.equal(ema[s.name][i], Math.fround(0.9 * w0[s.name][i] + (1 - 0.9) * w1[s.name][i]), `${s.name}[${i}]`);
      }
    }
    assert.ok(Math.abs(ema['features.1.running_var'][0] - (0.9 * 1 + 0.1 * 3)) < 1e-6);
    // Repeated updates towards fixed weights close the gap by decay^k.
    for (let k = 1; k < 20; k++) emaUpdate(ema, w1, 0.9);
    const name = 'classifier.4.weight';
    const gap0 = w0[name][5] - w1[name][5];
    assert.ok(Math.abs(ema[name][5] - w1[name][5] - 0.9 ** 20 * gap0) < 1e-6);
    assert.notEqual(ema, w0, 'a copy, not the same object');
    assert.equal(w0[name][5], initWeights(1)[name][5], 'the source weights are untouched');
  });
});

const skip = needsShared();
const base = ['--data', FER, '--limit', '256', '--val-limit', '128', '--batch-size', '32', '--quiet', '--backend', 'wasm'];

describe('--init and --ema runs', { skip }, () => {
  it('--init starts a new run from the given weights and records the lineage (and export states it)', async () => {
    const dir = tempDir('init-');
    const parent = join(dir, 'parent');
    mkdirSync(parent);
    const pw = initWeights(99);
    const adam = initAdam(pw);
    adam.step = 24;
    saveCheckpoint(parent, { epoch: 3, weights: pw, adam });
    writeMetrics(parent, {
      run: {
        flags: { epochs: 3, lr: 0.002, warmup: 0.2, weightDecay: 5e-4, labelSmoothing: 0.1, batchSize: 32, augment: true, seed: 99 },
        git_commit: 'abc',
      },
      epochs: [1, 2, 3].map((epoch) => ({
        epoch,
        train_loss: 1,
        train_acc: 0.5,
        val_loss: 1,
        val_acc: epoch === 2 ? 0.61 : 0.6,
        lr: 1e-3,
        seconds: 36,
        images_per_second: 100,
      })),
      best: { epoch: 2, val_acc: 0.61, val_loss: 1 },
    });
    const out = join(dir, 'child');
    // lr 0: AdamW leaves every trainable weight exactly where --init put it.
    const m = await train([
      ...base,
      '--out',
      out,
      '--epochs',
      '1',
      '--lr',
      '0',
      '--threads',
      '1',
      '--init',
      join(parent, FILES.checkpoint),
      '--seed',
      '7',
    ]);
    const st = loadCheckpoint(out);
    assert.equal(st.adam.step, 8, 'fresh optimizer state: only this run steps');
    for (const s of TRAINABLE) assert.deepEqual(st.weights[s.name], pw[s.name], `${s.name} is the --init weight`);
    assert.notDeepEqual(st.weights['classifier.4.weight'], initWeights(7)['classifier.4.weight']);
    const saved = readMetrics(out);
    const from = saved.run.init_from as any;
    assert.equal(from.path, join(parent, FILES.checkpoint));
    assert.equal(from.weights_epoch, 3);
    assert.equal(from.num_batches_tracked, 24);
    assert.equal(from.parent.epochs_run, 3);
    assert.equal(from.parent.best.epoch, 2);
    assert.equal(from.parent.best.val_acc, 0.61);
    assert.match(from.sha256, /^[0-9a-f]{64}$/);
    assert.equal((saved.run.flags as any).init, join(parent, FILES.checkpoint));
    assert.equal(m.epochs[0].lr, 0, "fresh schedule from this run's own --lr");
    assert.equal(loadWeights(join(out, FILES.best)).metadata.num_batches_tracked, String(24 + 8), 'BatchNorm updates count the lineage');

    const exported = join(dir, 'export');
    const { card } = await exportRun(out, { out: exported, evaluate: false });
    const lineage = (card as any).lineage;
    assert.equal(lineage.length, 2);
    assert.equal(lineage[0].best_epoch, 2);
    assert.equal(lineage[0].epochs_run, 3);
    assert.equal(lineage[1].epochs_run, 1);
    const md = readFileSync(join(exported, MODEL_FILES.cardMd), 'utf8');
    assert.match(md, /## Lineage/);
    assert.match(md, /In all: 4 epochs/);
    assert.match(md, /\| 1 \| .*parent \| random \(PyTorch default init, seed 99\) \| 3 of 3 \| 2 \(61\.00%\)/);
  });

  it('resumes an --ema --class-weights run exactly where it stopped (two gradient threads)', async () => {
    const dir = tempDir('resume-ema-');
    const args = [...base, '--epochs', '2', '--threads', '2', '--ema', '0.9', '--class-weights', 'sqrt-inverse'];
    const straight = await train([...args, '--out', join(dir, 'straight')]);
    await train([...args, '--out', join(dir, 'split'), '--stop-after', '1']);
    const resumed = await train(['--resume', join(dir, 'split'), '--quiet', '--threads', '2', '--backend', 'wasm']);
    assert.equal(resumed.epochs.length, 2);
    const a = straight.epochs[1] as any;
    const b = resumed.epochs[1] as any;
    assert.equal(b.train_loss, a.train_loss, 'same training loss');
    assert.equal(b.val_loss, a.val_loss, 'same (EMA) validation loss');
    assert.equal(b.val_acc_raw, a.val_acc_raw, 'same raw-weights validation accuracy');
    assert.ok('val_loss_raw' in a && a.val_loss_raw !== a.val_loss, 'EMA and raw weights are validated separately');
    for (const f of [FILES.checkpoint, FILES.best]) {
      assert.deepEqual(readFileSync(join(dir, 'split', f)), readFileSync(join(dir, 'straight', f)), `${f} byte-exact`);
    }
    const st = loadCheckpoint(join(dir, 'split'));
    assert.ok(st.ema, 'checkpoint holds the EMA');
    assert.notDeepEqual(st.ema!['classifier.4.weight'], st.weights['classifier.4.weight']);
    const best = loadWeights(join(dir, 'split', FILES.best)).weights as Weights;
    const bestEpoch = readMetrics(join(dir, 'split')).best!.epoch;
    if (bestEpoch === 2)
      assert.deepEqual(best['classifier.4.weight'], st.ema!['classifier.4.weight'], 'best.safetensors holds the EMA weights');
    const flags = readMetrics(join(dir, 'split')).run.flags as any;
    assert.equal(flags.ema, 0.9);
    assert.equal(flags.classWeights, 'sqrt-inverse');
    assert.ok(existsSync(join(dir, 'split', FILES.metrics)));
  });
});
