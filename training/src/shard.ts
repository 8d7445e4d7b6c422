/** The work one gradient thread does on its share of a batch, used in this thread and in gradient threads. */

import { INPUT_PIXELS } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import { type AugmentOptions, augmentInto, type InputSteps, LEGACY_AUGMENT, normalizeInto, RAW_INPUT } from './augment.ts';
import type { Dataset } from './data.ts';
import { type MixOptions, mixBatch } from './mix.ts';
import { PARAM_SPECS, sizeOf, type Weights } from './model.ts';
import { evalLogits, type StepResult, trainStep } from './step.ts';

export interface StepRequest {
  indices: Uint32Array;
  augSeed: number;
  dropoutSeed: number;
  labelSmoothing: number;
  augment: boolean;
  /** What augmentation does (absent: LEGACY_AUGMENT). */
  augmentOptions?: AugmentOptions;
  /** The run's input steps (--tone, --standardize; absent: none). */
  input?: InputSteps;
  /** Mixup / CutMix (absent: off). */
  mix?: MixOptions;
  /** Per-class cross-entropy weights (--class-weights); absent or null: unweighted. */
  classWeights?: number[] | null;
}

export function runStep(data: Dataset, w: Weights, req: StepRequest): StepResult {
  const n = req.indices.length;
  const x = new Float32Array(n * INPUT_PIXELS);
  const y = new Uint8Array(n);
  const rng = new Rng(req.augSeed);
  req.indices.forEach((idx, i) => {
    const img = data.images.subarray(idx * INPUT_PIXELS, (idx + 1) * INPUT_PIXELS);
    if (req.augment) augmentInto(img, x, i * INPUT_PIXELS, rng, req.augmentOptions ?? LEGACY_AUGMENT, req.input ?? RAW_INPUT);
    else normalizeInto(img, x, i * INPUT_PIXELS, req.input);
    y[i] = data.labels[idx];
  });
  const mixed = req.augment && req.mix ? mixBatch(x, y, n, rng, req.mix) : null;
  return trainStep(w, x, y, n, req.dropoutSeed, req.labelSmoothing, req.classWeights ?? null, mixed?.targets);
}

// Small chunks: the WASM heap never shrinks, so the largest chunk sets the memory a gradient thread keeps
// for the rest of the run (256 images cost about 1.2 GB more than training needs).
const EVAL_CHUNK = 64;

/** Inference-mode logits for images [start, end) of a dataset: flat [(end - start) * 7]. */
export function runEval(data: Dataset, w: Weights, start: number, end: number, steps: InputSteps = RAW_INPUT): Float32Array {
  const out = new Float32Array((end - start) * 7);
  for (let s = start; s < end; s += EVAL_CHUNK) {
    const e = Math.min(end, s + EVAL_CHUNK);
    const x = new Float32Array((e - s) * INPUT_PIXELS);
    for (let i = s; i < e; i++)
      normalizeInto(data.images.subarray(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS), x, (i - s) * INPUT_PIXELS, steps);
    out.set(evalLogits(w, x, e - s), (s - start) * 7);
  }
  return out;
}

/** All weights in one SharedArrayBuffer, so gradient threads read the current values without copies. */
export function sharedWeights(w: Weights): { buffer: SharedArrayBuffer; weights: Weights } {
  const total = PARAM_SPECS.reduce((n, s) => n + sizeOf(s.shape), 0);
  const buffer = new SharedArrayBuffer(total * 4);
  const weights = weightViews(buffer);
  for (const s of PARAM_SPECS) weights[s.name].set(w[s.name]);
  return { buffer, weights };
}

export function weightViews(buffer: SharedArrayBuffer): Weights {
  const out: Weights = {};
  let off = 0;
  for (const s of PARAM_SPECS) {
    const n = sizeOf(s.shape);
    out[s.name] = new Float32Array(buffer, off * 4, n);
    off += n;
  }
  return out;
}
