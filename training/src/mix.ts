/**
 * Mixup and CutMix on one shard of a batch, after augmentation (Zhang et al. 2018; Yun et al.
 * 2019, as timm's Mixup applies them): each image is paired with another of the shard, one
 * lambda ~ Beta(alpha, alpha) per batch, and the target is lambda of its label plus 1 - lambda of
 * the partner's. Mixup blends the pixels; CutMix pastes the partner's box of area 1 - lambda (lambda
 * then recomputed from the clipped box). With both on, each batch picks one of them at even odds.
 */
import { INPUT_PIXELS, INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import type { Rng } from '@emotion/core/rng';

export interface MixOptions {
  /** Beta(alpha, alpha) for mixup (0 = off). */
  mixup: number;
  /** Beta(alpha, alpha) for CutMix (0 = off). */
  cutmix: number;
  /** Probability that a batch is mixed at all. */
  prob: number;
}

export const NO_MIX: MixOptions = { mixup: 0, cutmix: 0, prob: 1 };

export interface Mixed {
  /** Soft targets [n, NUM_CLASSES]: lambda one-hot(own label) + (1 - lambda) one-hot(partner's). */
  targets: Float32Array;
  lambda: number;
  kind: 'mixup' | 'cutmix';
  /** partner[i]: the image mixed into image i. */
  partner: Uint32Array;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (boosted for shape < 1). */
export function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1) * rng.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function betaSample(rng: Rng, a: number, b: number): number {
  const x = gammaSample(rng, a);
  return x / (x + gammaSample(rng, b));
}

/** Mixes x [n, 48*48] in place; null when this batch is not mixed. */
export function mixBatch(x: Float32Array, labels: Uint8Array, n: number, rng: Rng, o: MixOptions): Mixed | null {
  if ((o.mixup <= 0 && o.cutmix <= 0) || n < 2 || rng.next() >= o.prob) return null;
  const kind = o.mixup > 0 && (o.cutmix <= 0 || rng.next() < 0.5) ? 'mixup' : 'cutmix';
  const alpha = kind === 'mixup' ? o.mixup : o.cutmix;
  let lambda = betaSample(rng, alpha, alpha);
  const partner = rng.shuffle(n);
  const source = x.slice(0, n * INPUT_PIXELS);
  if (kind === 'mixup') {
    for (let i = 0; i < n; i++) {
      const a = i * INPUT_PIXELS;
      const b = partner[i] * INPUT_PIXELS;
      for (let k = 0; k < INPUT_PIXELS; k++) x[a + k] = lambda * source[a + k] + (1 - lambda) * source[b + k];
    }
  } else {
    const side = INPUT_SIZE * Math.sqrt(1 - lambda);
    const cx = rng.uniform(0, INPUT_SIZE);
    const cy = rng.uniform(0, INPUT_SIZE);
    const x0 = Math.max(0, Math.round(cx - side / 2));
    const x1 = Math.min(INPUT_SIZE, Math.round(cx + side / 2));
    const y0 = Math.max(0, Math.round(cy - side / 2));
    const y1 = Math.min(INPUT_SIZE, Math.round(cy + side / 2));
    for (let i = 0; i < n; i++) {
      const a = i * INPUT_PIXELS;
      const b = partner[i] * INPUT_PIXELS;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) x[a + yy * INPUT_SIZE + xx] = source[b + yy * INPUT_SIZE + xx];
    }
    lambda = 1 - ((x1 - x0) * (y1 - y0)) / INPUT_PIXELS;
  }
  const targets = new Float32Array(n * NUM_CLASSES);
  for (let i = 0; i < n; i++) {
    targets[i * NUM_CLASSES + labels[i]] += lambda;
    targets[i * NUM_CLASSES + labels[partner[i]]] += 1 - lambda;
  }
  return { targets, lambda, kind, partner };
}
