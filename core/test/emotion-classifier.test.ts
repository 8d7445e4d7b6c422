/**
 * core's emotion classifier (core/src/emotion/classifier.ts) on the committed model/scratchcnn.onnx
 * through onnxruntime-node: batching, flip TTA, softmax and argmax as the worker, training's
 * evaluation and the site use them.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { LEGACY_UNCERTAIN_BELOW, MODEL_CARD, UNCERTAIN_BELOW, uncertainBelowOf } from '../src/api/model-id.ts';
import { CLASSES, INPUT_PIXELS, INPUT_SIZE, NUM_CLASSES } from '../src/classes.ts';
import { type EmotionClassifier, emotionClassifier, toClassification } from '../src/emotion/classifier.ts';
import { EMOTION_INPUT, EMOTION_OUTPUT } from '../src/emotion/model.ts';
import { EMOTION_MODEL_FILE } from '../src/emotion/node.ts';
import { argmax, meanOf, softmaxRows } from '../src/maths.ts';
import type { OrtSessionLike } from '../src/ort.ts';
import { mirrorInputs } from '../src/pixels.ts';
import { Rng } from '../src/rng.ts';

/** Different batch sizes may take different kernels' summation orders: equal within float32 noise. */
const TOL = 1e-5;

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < TOL, `${what}: differ by ${worst}`);
}

/** n model inputs in [-1, 1]: smooth random faces are not needed to test the arithmetic around the model. */
function inputs(n: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * INPUT_PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** The real session, counting the rows of each run. */
function counting(session: OrtSessionLike) {
  const rows: number[] = [];
  const wrapped: OrtSessionLike = {
    run(feeds) {
      rows.push((feeds[EMOTION_INPUT] as ort.Tensor).dims[0]);
      return session.run(feeds);
    },
  };
  return { wrapped, rows };
}

let session: ort.InferenceSession;
const N = 23;
const X = inputs(N);

before(async () => {
  session = await ort.InferenceSession.create(EMOTION_MODEL_FILE, { intraOpNumThreads: 1, interOpNumThreads: 1 });
});

describe('emotionClassifier on model/scratchcnn.onnx (onnxruntime-node)', () => {
  test('the model has the input and output names core uses (../shared/MODEL.md)', () => {
    assert.deepEqual(session.inputNames, [EMOTION_INPUT]);
    assert.deepEqual(session.outputNames, [EMOTION_OUTPUT]);
  });

  test('logits: the model run directly, in one batch', async () => {
    const direct = (await session.run({ [EMOTION_INPUT]: new ort.Tensor('float32', X, [N, 1, INPUT_SIZE, INPUT_SIZE]) }))[EMOTION_OUTPUT]
      .data as Float32Array;
    const got = await emotionClassifier(session, ort.Tensor).logits(X, N);
    close(got, direct, 'logits');
  });

  test('batching across maxBatch boundaries gives what one batch gives, each run within maxBatch rows', async () => {
    const one = emotionClassifier(session, ort.Tensor, { maxBatch: 256 });
    const ref = {
      logits: await one.logits(X, N),
      plain: await one.probabilities(X, N, { tta: false }),
      tta: await one.probabilities(X, N, { tta: true }),
    };
    for (const maxBatch of [1, 2, 5, 7, 22, 23, 24]) {
      const { wrapped, rows } = counting(session);
      const c = emotionClassifier(wrapped, ort.Tensor, { maxBatch });
      close(await c.logits(X, N), ref.logits, `logits, maxBatch ${maxBatch}`);
      assert.ok(
        rows.every((r) => r <= maxBatch),
        `maxBatch ${maxBatch}: runs of ${rows}`,
      );
      assert.equal(
        rows.reduce((a, b) => a + b, 0),
        N,
      );
      rows.length = 0;
      close(await c.probabilities(X, N, { tta: false }), ref.plain, `probabilities, maxBatch ${maxBatch}`);
      rows.length = 0;
      close(await c.probabilities(X, N, { tta: true }), ref.tta, `TTA probabilities, maxBatch ${maxBatch}`);
      // Each input with its mirror in the same run: an even number of rows, within maxBatch (1 cannot hold a pair).
      assert.ok(
        rows.every((r) => r % 2 === 0 && r <= Math.max(2, maxBatch)),
        `TTA, maxBatch ${maxBatch}: runs of ${rows}`,
      );
      assert.equal(
        rows.reduce((a, b) => a + b, 0),
        2 * N,
      );
    }
  });

  test("probabilities: the softmax of the logits; with TTA the mean of the image's and its mirror's", async () => {
    const c = emotionClassifier(session, ort.Tensor);
    const plain = await c.probabilities(X, N, { tta: false });
    close(plain, softmaxRows(await c.logits(X, N), NUM_CLASSES), 'softmax of the logits');
    for (let i = 0; i < N; i++) assert.ok(Math.abs(plain.subarray(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const mirrored = await c.probabilities(mirrorInputs(X), N, { tta: false });
    const tta = await c.probabilities(X, N, { tta: true });
    close(tta, meanOf(plain, mirrored), 'TTA');
    // The mirror really is another view: TTA changes the scores.
    assert.ok(tta.some((p, i) => Math.abs(p - plain[i]) > 1e-4));
    const both = await c.probabilitiesBoth(X, N);
    close(both.plain, plain, 'probabilitiesBoth plain');
    close(both.tta, tta, 'probabilitiesBoth tta');
  });

  test("classify: each input's classification, top class by argmax, uncertain under UNCERTAIN_BELOW", async () => {
    const c = emotionClassifier(session, ort.Tensor, { maxBatch: 4 });
    const list = Array.from({ length: N }, (_, i) => X.slice(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS));
    for (const tta of [false, true]) {
      const probs = await c.probabilities(X, N, { tta });
      const { results, timings } = await c.classify(list, { tta });
      assert.equal(results.length, N);
      assert.ok(timings.preprocess >= 0 && timings.inference > 0);
      results.forEach((r, i) => {
        const row = probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
        close(
          CLASSES.map((k) => r.scores[k]),
          row,
          `input ${i} scores`,
        );
        assert.equal(r.emotion, CLASSES[argmax(row)]);
        assert.equal(r.confidence, r.scores[r.emotion]);
        assert.equal(r.uncertain, r.confidence < UNCERTAIN_BELOW);
      });
    }
    assert.deepEqual((await c.classify([], { tta: true })).results, []);
  });

  test('toClassification: names the top class of a probability row', () => {
    const r = toClassification([0.05, 0.05, 0.1, 0.6, 0.1, 0.05, 0.05]);
    assert.equal(r.emotion, 'happy');
    assert.equal(r.confidence, 0.6);
    assert.equal(r.uncertain, 0.6 < UNCERTAIN_BELOW);
    assert.equal(toClassification([0.2, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1]).uncertain, true);
    assert.equal(toClassification([0.05, 0.05, 0.1, 0.6, 0.1, 0.05, 0.05], 0, 0.65).uncertain, true, 'a given threshold');
  });

  test("uncertain: the committed card's measured threshold, or a served model's own", async () => {
    assert.equal(UNCERTAIN_BELOW, MODEL_CARD.validation?.abstention?.threshold, 'the committed card holds the threshold');
    assert.equal(uncertainBelowOf({}), LEGACY_UNCERTAIN_BELOW, 'a card from before it was measured');
    assert.equal(uncertainBelowOf({ validation: { abstention: { threshold: 0.7 } } } as never), 0.7);
    // A top score is at least 1/7: none is flagged under 0.01; every one under a threshold near 1.
    const list = Array.from({ length: N }, (_, i) => X.slice(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS));
    for (const [t, flagged] of [
      [0.999999, true],
      [0.01, false],
    ] as const) {
      const { results } = await emotionClassifier(session, ort.Tensor, { uncertainBelow: t }).classify(list, { tta: true });
      assert.ok(
        results.every((r) => r.uncertain === flagged),
        `threshold ${t}`,
      );
    }
  });

  test('refuses inputs of the wrong size and a maxBatch under 1', async () => {
    const c: EmotionClassifier = emotionClassifier(session, ort.Tensor);
    await assert.rejects(c.logits(new Float32Array(INPUT_PIXELS), 2), RangeError);
    await assert.rejects(c.classify([new Float32Array(10)], { tta: false }), RangeError);
    assert.throws(() => emotionClassifier(session, ort.Tensor, { maxBatch: 0 }), RangeError);
  });
});
