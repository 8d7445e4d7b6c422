/**
 * The exported ONNX model gives the TensorFlow.js model's logits (onnxruntime-node), and the
 * safetensors file holds PyTorch's state_dict names, shapes, dtypes and layouts.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TONE } from '@emotion/core/classes';
import { decodeGray } from '@emotion/core/decode';
import { toModelInput } from '@emotion/core/pixels';
import { Rng } from '@emotion/core/rng';
import { tempDir } from '@emotion/core/testing/temp-dir';
import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { abstentionThreshold } from '../src/abstention.ts';
import { selectBackend } from '../src/backend.ts';
import { FILES, saveWeights, writeMetrics } from '../src/checkpoint.ts';
import { exportRun, MODEL_FILES, parseLogitBias } from '../src/export.ts';
import { loadLabelledInputs } from '../src/labelled-images.ts';
import { CONV_BLOCKS, forwardEval, initWeights, PARAM_SPECS, type Weights } from '../src/model.ts';
import { MODEL_DIR, openModel } from '../src/onnx-runner.ts';
import { decodeSafetensors } from '../src/safetensors.ts';
import { FER, needsShared, SHARED } from './helpers.ts';

const SHARED_PHOTOS = join(SHARED, 'photos');
const MODEL_ONNX = join(MODEL_DIR, MODEL_FILES.onnx);

/** Random weights with non-trivial BatchNorm statistics, so folding is really exercised. */
function trainedLikeWeights(): Weights {
  const w = initWeights(11);
  const r = new Rng(5);
  for (const b of CONV_BLOCKS) {
    w[`features.${b.bn}.weight`].forEach((_, i, a) => (a[i] = 0.5 + r.next()));
    w[`features.${b.bn}.bias`].forEach((_, i, a) => (a[i] = r.normal() * 0.2));
    w[`features.${b.bn}.running_mean`].forEach((_, i, a) => (a[i] = r.normal() * 0.3));
    w[`features.${b.bn}.running_var`].forEach((_, i, a) => (a[i] = 0.2 + r.next()));
  }
  return w;
}

function realInputs(n: number): Float32Array | null {
  if (needsShared()) return null;
  const dir = join(FER, 'test', 'happy');
  const files = readdirSync(dir).slice(0, n);
  const out = new Float32Array(n * 48 * 48);
  files.forEach((f, i) => out.set(toModelInput(decodeGray(readFileSync(join(dir, f)))), i * 48 * 48));
  return out;
}

describe('export', () => {
  const weights = trainedLikeWeights();
  const out = tempDir('export-');
  const biasedOut = tempDir('export-biased-');
  const tonedOut = tempDir('export-toned-');

  /** A run folder as train.ts leaves it, with these settings beside the required ones. */
  function fakeRun(flags: Record<string, unknown> = {}): string {
    const run = tempDir('run-');
    saveWeights(join(run, FILES.best), weights, { epoch: '3', num_batches_tracked: '1344' });
    writeMetrics(run, {
      run: {
        flags: {
          epochs: 60,
          lr: 0.002,
          warmup: 0.2,
          weightDecay: 5e-4,
          labelSmoothing: 0.1,
          batchSize: 64,
          augment: true,
          seed: 1,
          ...flags,
        },
        backend: 'wasm',
        device: 'test',
        train_size: 10,
        val_size: 10,
        // Resumed twice: on the same machine, then on another; a last start that finished no epoch.
        segments: [1, 2, 3, 4].map((from_epoch) => ({
          from_epoch,
          backend: 'wasm',
          device: 'test',
          cpu: from_epoch < 3 ? 'CPU A' : 'CPU B',
          cores: 2,
          workers: 2,
          node: 'v20',
          git_commit: null,
        })),
      },
      epochs: [1, 2, 3].map((epoch) => ({
        epoch,
        train_loss: 1,
        train_acc: 0.5,
        val_loss: 1,
        val_acc: 0.5,
        lr: 1e-3,
        seconds: 10,
        images_per_second: 100,
      })),
      best: { epoch: 3, val_acc: 0.5, val_loss: 1 },
    });
    return run;
  }

  before(async () => {
    const run = fakeRun();
    // The network alone (tone normalization off), to compare with TensorFlow.js; and as exported by default.
    await exportRun(run, { out, evaluate: false, tone: false });
    await exportRun(run, { out: biasedOut, evaluate: false, logitBias: { disgust: 0.3, fear: -0.25 }, tone: false });
    await exportRun(run, { out: tonedOut, evaluate: false });
    await selectBackend('wasm');
  });

  it('--logit-bias adds to the chosen logits only, and the card says how to export it again', async () => {
    const x = Float32Array.from({ length: 3 * 48 * 48 }, (_, i) => Math.sin(i));
    const logits = async (dir: string) => {
      const session = await ort.InferenceSession.create(join(dir, MODEL_FILES.onnx));
      const r = (await session.run({ input: new ort.Tensor('float32', x, [3, 1, 48, 48]) })).logits.data as Float32Array;
      await session.release();
      return r;
    };
    const plain = await logits(out);
    const biased = await logits(biasedOut);
    const offset = [0, 0.3, -0.25, 0, 0, 0, 0];
    for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(biased[i] - plain[i] - offset[i % 7]) < 1e-5, `logit ${i}`);
    const card = JSON.parse(readFileSync(join(biasedOut, MODEL_FILES.card), 'utf8'));
    assert.deepEqual(card.logit_bias.added, { disgust: 0.3, fear: -0.25 });
    assert.match(card.logit_bias.reproduce, /--logit-bias disgust=0.3,fear=-0.25 --tone off$/);
    assert.equal(JSON.parse(readFileSync(join(out, MODEL_FILES.card), 'utf8')).logit_bias, undefined);
    assert.deepEqual(parseLogitBias('disgust=0.3, fear=-0.25'), { disgust: 0.3, fear: -0.25 });
    assert.throws(() => parseLogitBias('joy=1'), /--logit-bias/);
    assert.throws(() => parseLogitBias('disgust=x'), /--logit-bias/);
  });

  it('exports tone normalization by default: in the graph, and the card and the ONNX metadata say so', async () => {
    const card = JSON.parse(readFileSync(join(tonedOut, MODEL_FILES.card), 'utf8'));
    assert.deepEqual(card.tone, { ...TONE });
    assert.equal(JSON.parse(readFileSync(join(out, MODEL_FILES.card), 'utf8')).tone, undefined);
    // The graph's first nodes pick each crop's white point and median (augment.test.ts checks their arithmetic).
    const ops = (dir: string) =>
      onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, MODEL_FILES.onnx))).graph!.node!.map((n) => n.opType);
    assert.equal(ops(tonedOut).filter((op) => op === 'TopK').length, 2);
    assert.ok(!ops(out).includes('TopK'));
    const meta = onnxProto.onnx.ModelProto.decode(readFileSync(join(tonedOut, MODEL_FILES.onnx))).metadataProps!;
    assert.deepEqual(JSON.parse(meta.find((p) => p.key === 'tone')!.value!), { ...TONE });
  });

  it('a run trained on toned inputs (--tone on) exports with tone in its graph, never without', async () => {
    const run = fakeRun({ tone: true });
    await assert.rejects(exportRun(run, { out: tempDir('export-'), evaluate: false, tone: false }), /--tone off/);
    const toned = tempDir('export-');
    await exportRun(run, { out: toned, evaluate: false });
    const card = JSON.parse(readFileSync(join(toned, MODEL_FILES.card), 'utf8'));
    assert.deepEqual(card.tone, { ...TONE });
    assert.equal(card.training.recipe.toned_inputs, true);
  });

  it('ONNX logits match the TensorFlow.js model on random and real inputs (max abs diff <= 1e-4)', async () => {
    const r = new Rng(9);
    const random = Float32Array.from({ length: 6 * 48 * 48 }, () => r.uniform(-1, 1));
    const real = realInputs(10);
    const session = await ort.InferenceSession.create(join(out, MODEL_FILES.onnx));
    for (const x of [random, real]) {
      if (!x) continue;
      const n = x.length / (48 * 48);
      // With one channel, NHWC [n,48,48,1] and NCHW [n,1,48,48] share the memory layout.
      const expected = tf.tidy(() => forwardEval(weights, tf.tensor4d(x, [n, 48, 48, 1])).dataSync());
      const got = (await session.run({ input: new ort.Tensor('float32', x, [n, 1, 48, 48]) })).logits;
      assert.deepEqual(got.dims, [n, 7]);
      let maxDiff = 0;
      for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - (got.data as Float32Array)[i]));
      assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
      assert.ok(Math.max(...expected.map(Math.abs)) > 0.01, 'logits are not trivially zero');
    }
    await session.release();
  });

  it('model card names every machine the run trained on, with its epochs', () => {
    const card = JSON.parse(readFileSync(join(out, MODEL_FILES.card), 'utf8'));
    assert.equal(card.training.cpu, 'CPU A (epochs 1-2), CPU B (epochs 3-3)');
    assert.match(readFileSync(join(out, MODEL_FILES.cardMd), 'utf8'), /hardware: CPU A \(epochs 1-2\), CPU B \(epochs 3-3\)/);
  });

  it('ONNX graph: opset >= 13, input/output names, no BatchNorm, metadata', () => {
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(join(out, MODEL_FILES.onnx)));
    assert.ok(Number(model.opsetImport[0].version) >= 13);
    assert.equal(model.graph!.input![0].name, 'input');
    assert.equal(model.graph!.output![0].name, 'logits');
    assert.ok(!model.graph!.node!.some((n) => n.opType === 'BatchNormalization'), 'BatchNorm folded');
    const meta = Object.fromEntries(model.metadataProps!.map((p) => [p.key, p.value]));
    assert.deepEqual(JSON.parse(meta.classes!), ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']);
    assert.deepEqual(JSON.parse(meta.normalization!), { mean: 0.5, std: 0.5 });
    assert.equal(JSON.parse(meta.metrics!).best.epoch, 3);
  });

  it('fp16 and int8 variants store the weights smaller and keep the float32 logits', async () => {
    const { TensorProto } = onnxProto.onnx;
    const base = await ort.InferenceSession.create(join(out, MODEL_FILES.onnx));
    const r = new Rng(21);
    const x = realInputs(40) ?? Float32Array.from({ length: 40 * 48 * 48 }, () => r.uniform(-1, 1));
    const run = async (s: ort.InferenceSession) =>
      (await s.run({ input: new ort.Tensor('float32', x, [40, 1, 48, 48]) })).logits.data as Float32Array;
    const expected = await run(base);
    const scale = Math.max(...expected.map(Math.abs));
    const fullSize = readFileSync(join(out, MODEL_FILES.onnx)).length;
    for (const [file, dtype, maxSize, maxRelDiff] of [
      [MODEL_FILES.onnxFp16, TensorProto.DataType.FLOAT16, 0.51, 1e-3],
      [MODEL_FILES.onnxInt8, TensorProto.DataType.INT8, 0.26, 1.5e-2],
    ] as const) {
      const bytes = readFileSync(join(out, file));
      assert.ok(bytes.length < maxSize * fullSize, `${file}: ${bytes.length} bytes`);
      const model = onnxProto.onnx.ModelProto.decode(bytes);
      const weightsInit = model.graph!.initializer!.filter((t) => t.dims!.length >= 2);
      assert.equal(weightsInit.length, 8, `${file}: 6 conv + 2 dense weight tensors`);
      for (const t of weightsInit) assert.equal(t.dataType, dtype, t.name!);
      const session = await ort.InferenceSession.create(bytes);
      const got = await run(session);
      let maxDiff = 0;
      let agree = 0;
      for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
      for (let n = 0; n < 40; n++) {
        const argmax = (a: Float32Array) => a.subarray(n * 7, n * 7 + 7).reduce((b, v, k, row) => (v > row[b] ? k : b), 0);
        if (argmax(expected) === argmax(got)) agree++;
      }
      assert.ok(maxDiff <= maxRelDiff * scale, `${file}: max abs diff ${maxDiff} against logits up to ${scale}`);
      assert.ok(maxDiff > 0, `${file} really stores different weights`);
      assert.ok(agree >= 38, `${file}: top-1 agrees on ${agree}/40`);
      await session.release();
    }
    await base.release();
  });

  it('safetensors holds the PyTorch state_dict: names, shapes, dtypes, layouts', () => {
    const { entries } = decodeSafetensors(readFileSync(join(out, MODEL_FILES.safetensors)));
    const expected = new Set<string>();
    for (const b of CONV_BLOCKS) {
      for (const k of ['weight', 'bias']) expected.add(`features.${b.conv}.${k}`);
      for (const k of ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']) expected.add(`features.${b.bn}.${k}`);
    }
    for (const k of ['classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias']) expected.add(k);
    assert.deepEqual(new Set(Object.keys(entries)), expected);
    for (const b of CONV_BLOCKS) {
      assert.deepEqual(entries[`features.${b.conv}.weight`].shape, [b.cout, b.cin, 3, 3]);
      const nbt = entries[`features.${b.bn}.num_batches_tracked`];
      assert.equal(nbt.dtype, 'I64');
      assert.deepEqual(nbt.shape, []);
      assert.equal((nbt.data as BigInt64Array)[0], 1344n);
    }
    assert.deepEqual(entries['classifier.1.weight'].shape, [256, 2376]);
    assert.deepEqual(entries['classifier.4.weight'].shape, [7, 256]);
    for (const [name, e] of Object.entries(entries)) if (!name.endsWith('num_batches_tracked')) assert.equal(e.dtype, 'F32', name);

    // Conv: torch [o, i, kh, kw] == tfjs [kh, kw, i, o].
    const tconv = entries['features.7.weight'].data as Float32Array;
    const wconv = weights['features.7.weight'];
    for (const [o, i, kh, kw] of [
      [0, 0, 0, 0],
      [63, 31, 2, 1],
      [5, 17, 1, 2],
    ]) {
      assert.equal(tconv[((o * 32 + i) * 3 + kh) * 3 + kw], wconv[((kh * 3 + kw) * 32 + i) * 64 + o]);
    }
    // Dense 2376->256: torch flattens [264, 3, 3] channel-first (c*9 + h*3 + w), tfjs NHWC ((h*3 + w)*264 + c).
    const tfc = entries['classifier.1.weight'].data as Float32Array;
    const wfc = weights['classifier.1.weight'];
    for (const [j, c, h, w] of [
      [0, 0, 0, 0],
      [255, 263, 2, 2],
      [17, 100, 1, 2],
      [200, 5, 2, 0],
    ]) {
      assert.equal(tfc[j * 2376 + (c * 9 + h * 3 + w)], wfc[((h * 3 + w) * 264 + c) * 256 + j]);
    }
    assert.equal(PARAM_SPECS.length + CONV_BLOCKS.length, expected.size);
  });
});

describe('evaluate, photo mode', { skip: needsShared(SHARED_PHOTOS) }, () => {
  it('finds every face in the shared photos and classifies the labelled ones', async () => {
    const { evaluatePhotos } = await import('../src/photo-eval.ts');
    const e = await evaluatePhotos(MODEL_ONNX, SHARED_PHOTOS);
    const faces = Object.fromEntries(e.photos.map((p) => [p.photo, p.faces]));
    assert.deepEqual([faces['bbt1.jpg'], faces['bbt2.jpg'], faces['bbt3.jpg'], faces['bbt4.jpg'], faces['bbt5.jpg']], [4, 3, 5, 6, 5]);
    assert.equal(e.labelled.n, 7);
    assert.equal(e.labelled.no_face, 0);
    for (const p of e.photos.filter((x) => x.label)) assert.equal(p.faces, 1, `${p.photo} has one face`);
  });
});

describe('the committed model reproduces its card', { skip: needsShared() }, () => {
  // Read, not hard-coded: a re-export rewrites the card, the evaluation and these figures together.
  const committed = (file: string) => JSON.parse(readFileSync(join(MODEL_DIR, file), 'utf8'));
  const card = committed(MODEL_FILES.card);
  const evaluation = committed(MODEL_FILES.evaluation);
  const metrics = committed(MODEL_FILES.metrics);

  it("on the full PublicTest: the card's accuracy and TTA accuracy, the evaluation's confusion matrices, its threshold and dim light", async () => {
    const { evaluateModel } = await import('../src/evaluate.ts');
    const e = await evaluateModel(MODEL_ONNX, FER, { tta: true, light: true });
    assert.equal(e.n, card.validation.n);
    assert.equal(e.accuracy, card.validation.accuracy);
    assert.equal(e.tta!.accuracy, card.validation.tta_accuracy);
    const variant = card.variants.find((v: { file: string }) => v.file === MODEL_FILES.onnx);
    assert.deepEqual(
      [e.accuracy, e.tta!.accuracy, e.macro_f1, e.log_loss],
      [variant.accuracy, variant.tta_accuracy, variant.macro_f1, variant.log_loss],
    );
    // Exact counts, not 4-digit rounding: every prediction is as it was when the card was written.
    assert.deepEqual(e.confusion, evaluation.confusion);
    assert.deepEqual(e.tta!.confusion, evaluation.tta.confusion);
    assert.notDeepEqual(e.tta!.confusion, e.confusion, 'TTA changes some predictions');
    // The `uncertain` threshold the worker, the site and the package read from the card.
    assert.deepEqual(e.abstention, evaluation.abstention);
    assert.deepEqual(abstentionThreshold(e.abstention!), card.validation.abstention);
    // Its accuracy in dim light, as the card states it.
    assert.deepEqual(e.light, evaluation.light);
    assert.deepEqual(e.light, card.validation.light);
  });

  it("exporting the run's best weights again gives the committed ONNX's logits (max abs diff <= 1e-5)", async () => {
    // The run folder the card was exported from (metrics.json's flags; the card's lineage ends with it).
    const runDir = fileURLToPath(new URL(`../${metrics.run.flags.out}/`, import.meta.url));
    if (card.lineage) assert.equal(card.lineage.at(-1).run, metrics.run.flags.out);
    assert.equal(card.training.best_epoch, metrics.best.epoch);
    const again = tempDir('reexport-');
    // With the card's logit offsets, as its `logit_bias.reproduce` says the model was exported.
    await exportRun(runDir, { out: again, evaluate: false, logitBias: card.logit_bias?.added, tone: card.tone !== undefined });
    const { inputs, n } = loadLabelledInputs(FER, 'val', 300);
    const logitsOf = async (file: string) => {
      const session = await openModel(file);
      const out = await session.logits(inputs, n);
      await session.release();
      return out;
    };
    const want = await logitsOf(MODEL_ONNX);
    const got = await logitsOf(join(again, MODEL_FILES.onnx));
    assert.equal(want.length, n * 7);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    assert.ok(maxDiff <= 1e-5, `max abs diff ${maxDiff} over ${n} images`);
  });
});
