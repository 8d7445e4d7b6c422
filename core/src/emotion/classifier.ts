/**
 * The emotion classifier on any onnxruntime, like ../faces/detector.ts: the caller creates the
 * InferenceSession of model/scratchcnn.onnx its own way and hands it in with that runtime's Tensor
 * class. Owns the model's input and output names, batching within `maxBatch` model rows per run,
 * flip test-time augmentation (each input's mirror image rides in the same batch and the two views'
 * probabilities are averaged, about +1 point of accuracy), softmax and argmax. The worker, training's
 * evaluation, the tools and the site's on-device mode all classify through it.
 *
 *   const classifier = emotionClassifier(session, ort.Tensor, { maxBatch: 10 });
 *   const { results } = await classifier.classify([toModelInput(gray, box)], { tta: true });
 */

import { UNCERTAIN_BELOW } from '../api/model-id.ts';
import type { Classification, Scores } from '../api/response.ts';
import { CLASSES, INPUT_PIXELS, INPUT_SIZE, NUM_CLASSES } from '../classes.ts';
import { argmax, meanOf, softmaxRows } from '../maths.ts';
import type { OrtSessionLike, OrtTensorClass } from '../ort.ts';
import { mirrorInputs } from '../pixels.ts';
import { DEFAULT_MAX_BATCH, EMOTION_INPUT, EMOTION_OUTPUT } from './model.ts';

// The API's types (../api/response.ts): what the classifier gives is what the API answers.
export type { Classification, Scores };

/** Milliseconds: stacking the inputs (and mirroring them), and the model runs. */
export interface ClassifyTimings {
  preprocess: number;
  inference: number;
}

export interface TtaOption {
  /** Average each input's probabilities with its mirror image's (flip test-time augmentation). */
  tta: boolean;
}

export interface EmotionClassifier {
  /** The most model rows one run gets (with `tta` that is half as many inputs, each with its mirror). */
  readonly maxBatch: number;
  /** Logits, flat [n * 7], of n stacked model inputs (flat [n * 48 * 48]), in runs of at most maxBatch rows. */
  logits(inputs: Float32Array, n: number): Promise<Float32Array>;
  /** Class probabilities (float64 softmax), flat [n * 7], of n stacked model inputs; with `tta`, averaged with the mirror's. */
  probabilities(inputs: Float32Array, n: number, opts: TtaOption): Promise<Float64Array>;
  /** Both at the cost of the TTA runs: without TTA, and averaged with the mirror image's. */
  probabilitiesBoth(inputs: Float32Array, n: number): Promise<{ plain: Float64Array; tta: Float64Array }>;
  /** Each model input (48x48 normalized, e.g. from core's cropInput or toModelInput) classified. */
  classify(inputs: readonly Float32Array[], opts: TtaOption): Promise<{ results: Classification[]; timings: ClassifyTimings }>;
  /** Frees the session, where the runtime can. */
  release(): Promise<void>;
}

/** One row of probabilities (CLASSES order) as the API's classification; `uncertain` under the model's threshold. */
export function toClassification(probs: ArrayLike<number>, offset = 0, uncertainBelow = UNCERTAIN_BELOW): Classification {
  const scores = Object.fromEntries(CLASSES.map((c, k) => [c, probs[offset + k]])) as Scores;
  const best = CLASSES[argmax(probs, offset, NUM_CLASSES)];
  return { emotion: best, confidence: scores[best], uncertain: scores[best] < uncertainBelow, scores };
}

export interface ClassifierOptions {
  /** The most model rows per run (default DEFAULT_MAX_BATCH). */
  maxBatch?: number;
  /** The `uncertain` threshold of the model in `session`, from its card (default: the committed model's). */
  uncertainBelow?: number;
}

export function emotionClassifier(session: OrtSessionLike, Tensor: OrtTensorClass, opts: ClassifierOptions = {}): EmotionClassifier {
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const uncertainBelow = opts.uncertainBelow ?? UNCERTAIN_BELOW;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a whole number of at least 1 (got ${maxBatch})`);

  /** One model run on `rows` stacked inputs; the logits copied out (the runtime may reuse its buffers). */
  const run = async (input: Float32Array, rows: number): Promise<Float32Array> => {
    const out = await session.run({ [EMOTION_INPUT]: new Tensor('float32', input, [rows, 1, INPUT_SIZE, INPUT_SIZE]) });
    const logits = new Float32Array(out[EMOTION_OUTPUT].data as Float32Array);
    for (const t of Object.values(out)) t.dispose?.();
    return logits;
  };

  const checkInputs = (inputs: Float32Array, n: number) => {
    if (!Number.isInteger(n) || n < 0 || inputs.length < n * INPUT_PIXELS)
      throw new RangeError(`${n} model inputs need ${n * INPUT_PIXELS} floats (got ${inputs.length})`);
  };

  /**
   * Each view's probabilities of n inputs, `stack(s, e)` giving inputs s..e-1 stacked; with `tta`
   * at most maxBatch/2 inputs per run, their mirrors after them in the same batch.
   */
  const views = async (stack: (s: number, e: number) => Float32Array, n: number, tta: boolean, timings?: ClassifyTimings) => {
    const plain = new Float64Array(n * NUM_CLASSES);
    const mirrored = tta ? new Float64Array(n * NUM_CLASSES) : null;
    const perRun = tta ? Math.max(1, Math.floor(maxBatch / 2)) : maxBatch;
    for (let s = 0; s < n; s += perRun) {
      const e = Math.min(n, s + perRun);
      const k = e - s;
      const t0 = performance.now();
      const x = stack(s, e);
      let input = x;
      if (tta) {
        input = new Float32Array(2 * k * INPUT_PIXELS);
        input.set(x.subarray(0, k * INPUT_PIXELS));
        input.set(mirrorInputs(x.subarray(0, k * INPUT_PIXELS)), k * INPUT_PIXELS);
      }
      const t1 = performance.now();
      const probs = softmaxRows(await run(input, tta ? 2 * k : k), NUM_CLASSES);
      const t2 = performance.now();
      plain.set(probs.subarray(0, k * NUM_CLASSES), s * NUM_CLASSES);
      mirrored?.set(probs.subarray(k * NUM_CLASSES), s * NUM_CLASSES);
      if (timings) {
        timings.preprocess += t1 - t0;
        timings.inference += t2 - t1;
      }
    }
    return { plain, mirrored };
  };

  const flat = (inputs: Float32Array) => (s: number, e: number) => inputs.subarray(s * INPUT_PIXELS, e * INPUT_PIXELS);

  return {
    maxBatch,
    async logits(inputs, n) {
      checkInputs(inputs, n);
      const out = new Float32Array(n * NUM_CLASSES);
      for (let s = 0; s < n; s += maxBatch) {
        const e = Math.min(n, s + maxBatch);
        out.set(await run(inputs.subarray(s * INPUT_PIXELS, e * INPUT_PIXELS), e - s), s * NUM_CLASSES);
      }
      return out;
    },
    async probabilities(inputs, n, { tta }) {
      checkInputs(inputs, n);
      const { plain, mirrored } = await views(flat(inputs), n, tta);
      return mirrored ? meanOf(plain, mirrored) : plain;
    },
    async probabilitiesBoth(inputs, n) {
      checkInputs(inputs, n);
      const { plain, mirrored } = await views(flat(inputs), n, true);
      return { plain, tta: meanOf(plain, mirrored!) };
    },
    async classify(inputs, { tta }) {
      for (const x of inputs)
        if (x.length !== INPUT_PIXELS) throw new RangeError(`a model input is ${INPUT_PIXELS} floats (got ${x.length})`);
      const timings: ClassifyTimings = { preprocess: 0, inference: 0 };
      const stack = (s: number, e: number) => {
        const out = new Float32Array((e - s) * INPUT_PIXELS);
        for (let i = s; i < e; i++) out.set(inputs[i], (i - s) * INPUT_PIXELS);
        return out;
      };
      const { plain, mirrored } = await views(stack, inputs.length, tta, timings);
      const probs = mirrored ? meanOf(plain, mirrored) : plain;
      const results = inputs.map((_, i) => toClassification(probs, i * NUM_CLASSES, uncertainBelow));
      return { results, timings };
    },
    async release() {
      await session.release?.();
    },
  };
}
