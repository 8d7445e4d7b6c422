/**
 * Training augmentation and the model input of a training image. Per image, in this order:
 *  1. geometry in one bilinear resampling (border pixels repeated): horizontal flip, rotation,
 *     scale and shift, so a face is seen off-centre and at other sizes as the detector crops it;
 *  2. light (on luma, rounded back to whole grey levels as a camera would): a dim exposure
 *     (brightness times a factor) and a gamma curve;
 *  3. the model input (InputSteps, as the run has them: the exported model does the same as its first
 *     nodes): tone normalization (core's TONE), per-image standardization (core's STANDARDIZATION),
 *     then the normalization;
 *  4. occlusion on the normalized input: cutout (a square set to 0) and random erasing (N(0,1) noise).
 * Validation images only go through step 3.
 */
import { INPUT_PIXELS, INPUT_SIZE, NORMALIZATION, STANDARDIZATION, TONE } from '@emotion/core/classes';
import type { Rng } from '@emotion/core/rng';

export interface AugmentOptions {
  /** Probability of a horizontal flip. */
  flip: number;
  /** Rotation uniform in +-maxRotation degrees. */
  maxRotation: number;
  /** Zoom factor log-uniform in [1/(1+maxScale), 1+maxScale] (0 = off). */
  maxScale: number;
  /** Shift uniform in +-maxShift pixels on each axis (0 = off). */
  maxShift: number;
  /** Probability of a dim exposure: luma times a factor uniform in [minBrightness, 1]. */
  dim: number;
  minBrightness: number;
  /** Probability of a gamma curve 255 (p/255)^g, g log-uniform in [1/maxGamma, maxGamma]. */
  gamma: number;
  maxGamma: number;
  /** Probability of a cutout square of cutoutSize, set to 0 after normalization. */
  cutout: number;
  cutoutSize: number;
  /** Probability of random erasing (2-20% of the area, aspect 0.3-3.3, N(0,1) noise). */
  erasing: number;
}

/** What every run trained with before scale, shift and light were flags: how committed runs resume. */
export const LEGACY_AUGMENT: AugmentOptions = {
  flip: 0.5,
  maxRotation: 10,
  maxScale: 0,
  maxShift: 0,
  dim: 0,
  minBrightness: 1,
  gamma: 0,
  maxGamma: 1,
  cutout: 0.5,
  cutoutSize: 12,
  erasing: 0.5,
};

/** A new run's defaults: the public recipes' shift and scale, and light changes a webcam meets. */
export const DEFAULT_AUGMENT: AugmentOptions = {
  ...LEGACY_AUGMENT,
  maxScale: 0.15,
  maxShift: 4,
  dim: 0.3,
  minBrightness: 0.2,
  gamma: 0.3,
  maxGamma: 2.2,
};

/** Nothing changed: the identity of every step (tests turn one step on at a time from here). */
export const NO_AUGMENT: AugmentOptions = { ...LEGACY_AUGMENT, flip: 0, maxRotation: 0, cutout: 0, erasing: 0 };

const norm = (v: number) => (v / 255 - NORMALIZATION.mean) / NORMALIZATION.std;

/**
 * Per-image standardization of luma in place: (p - mean) / max(std, minStd) * std' + mean', with
 * STANDARDIZATION's targets. Population statistics (divide by n), as the exported graph computes them.
 */
export function standardizeLuma(px: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < px.length; i++) s += px[i];
  const m = s / px.length;
  let v = 0;
  for (let i = 0; i < px.length; i++) v += (px[i] - m) * (px[i] - m);
  const k = STANDARDIZATION.std / Math.max(Math.sqrt(v / px.length), STANDARDIZATION.minStd);
  for (let i = 0; i < px.length; i++) px[i] = (px[i] - m) * k + STANDARDIZATION.mean;
  return px;
}

/**
 * Puts the k-th smallest value of a[lo..hi] at a[k], smaller ones before it and larger after
 * (quickselect, median-of-three pivot): a crop's two quantiles in about a sixth of a sort's time,
 * which every training image of a toned run pays.
 */
function selectKth(a: Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** The value at index floor(q * n) of the sorted values (TONE's quantiles; the exported graph picks the same with TopK). */
export function quantileIndex(n: number, q: number): number {
  return Math.min(n - 1, Math.floor(q * n));
}

/**
 * Tone normalization of luma in place, as TONE describes (the exported graph's first nodes with
 * `--tone`): the white point to TONE.whitePoint, and a power curve that brings the median to
 * TONE.midRatio of it.
 */
export function toneLuma(px: Float32Array): Float32Array {
  const work = Float32Array.from(px);
  const white = quantileIndex(px.length, TONE.whiteQuantile);
  const w = Math.max(1, selectKth(work, white));
  // The median lies below the white point's index, where the first selection left the smaller values.
  const mid = quantileIndex(px.length, 0.5);
  const median = mid < white ? selectKth(work, mid, 0, white - 1) : selectKth(work, mid);
  const m = Math.min(TONE.maxMid, Math.max(TONE.minMid, median / w));
  const g = Math.min(TONE.maxGamma, Math.max(TONE.minGamma, Math.log(TONE.midRatio) / Math.log(m)));
  for (let i = 0; i < px.length; i++) px[i] = Math.min(255, TONE.whitePoint * (px[i] / w) ** g);
  return px;
}

/** What a run does to each image before the normalization, in training and as its exported graph's first nodes. */
export interface InputSteps {
  /** Tone normalization (toneLuma, core's TONE). */
  tone: boolean;
  /** Per-image standardization (standardizeLuma, core's STANDARDIZATION). */
  standardize: boolean;
}

/** Only the normalization: an exported graph does its own steps, so its inputs are raw. */
export const RAW_INPUT: InputSteps = { tone: false, standardize: false };

/** The model input of one 48x48 luma image (0-255) into out[offset..]: toned and standardized as asked, then normalized. */
export function inputInto(luma: ArrayLike<number>, out: Float32Array, offset: number, steps: InputSteps): void {
  const px = Float32Array.from(luma);
  if (steps.tone) toneLuma(px);
  if (steps.standardize) standardizeLuma(px);
  for (let i = 0; i < INPUT_PIXELS; i++) out[offset + i] = norm(px[i]);
}

/** The model input of one unaugmented 48x48 luma image into out[offset..]. */
export function normalizeInto(src: Uint8Array, out: Float32Array, offset: number, steps: InputSteps = RAW_INPUT): void {
  inputInto(src, out, offset, steps);
}

/** Steps 1-2: the augmented luma (0-255) of one image. */
export function augmentLuma(src: Uint8Array, rng: Rng, o: AugmentOptions): Float32Array {
  const flip = rng.next() < o.flip;
  const angle = (rng.uniform(-o.maxRotation, o.maxRotation) * Math.PI) / 180;
  // Steps added later draw only when on, so a run from before them resumes with the same draws.
  const zoom = o.maxScale > 0 ? Math.exp(rng.uniform(-Math.log1p(o.maxScale), Math.log1p(o.maxScale))) : 1;
  const tx = o.maxShift > 0 ? rng.uniform(-o.maxShift, o.maxShift) : 0;
  const ty = o.maxShift > 0 ? rng.uniform(-o.maxShift, o.maxShift) : 0;
  const dim = o.dim > 0 && rng.next() < o.dim ? rng.uniform(o.minBrightness, 1) : 1;
  const gamma = o.gamma > 0 && rng.next() < o.gamma ? Math.exp(rng.uniform(-Math.log(o.maxGamma), Math.log(o.maxGamma))) : 1;
  return relight(warpLuma(src, { flip, angle, zoom, tx, ty }), { brightness: dim, gamma });
}

/** One geometric view of a 48x48 image: mirrored, rotated (radians) and zoomed about the centre, then shifted (pixels). */
export interface Geometry {
  flip: boolean;
  angle: number;
  zoom: number;
  tx: number;
  ty: number;
}

/** The image seen through a Geometry, in one bilinear resampling with border pixels repeated (luma 0-255, unrounded). */
export function warpLuma(src: Uint8Array, { flip, angle, zoom, tx, ty }: Geometry): Float32Array {
  // Output pixel -> source: undo the shift, the zoom and the rotation about the centre, then the flip.
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  const c = (INPUT_SIZE - 1) / 2;
  const out = new Float32Array(INPUT_PIXELS);
  for (let y = 0; y < INPUT_SIZE; y++) {
    for (let x = 0; x < INPUT_SIZE; x++) {
      const dx = x - c - tx;
      const dy = y - c - ty;
      let sx = cos * dx + sin * dy + c;
      const sy = -sin * dx + cos * dy + c;
      if (flip) sx = INPUT_SIZE - 1 - sx;
      out[y * INPUT_SIZE + x] = bilinear(src, sx, sy);
    }
  }
  return out;
}

/** A change of light: luma times `brightness`, then the curve 255 (p/255)^gamma. */
export interface Light {
  brightness: number;
  gamma: number;
}

/** Applies a change of light in place, rounding to whole grey levels as a camera's output would be (identity: untouched). */
export function relight(luma: Float32Array, { brightness, gamma }: Light): Float32Array {
  if (brightness === 1 && gamma === 1) return luma;
  for (let i = 0; i < luma.length; i++) {
    let v = luma[i] * brightness;
    if (gamma !== 1) v = 255 * (v / 255) ** gamma;
    luma[i] = Math.round(v);
  }
  return luma;
}

/** All four steps for one training image into out[offset..]. */
export function augmentInto(src: Uint8Array, out: Float32Array, offset: number, rng: Rng, o: AugmentOptions, steps: InputSteps): void {
  inputInto(augmentLuma(src, rng, o), out, offset, steps);
  if (rng.next() < o.cutout) {
    const cy = rng.int(INPUT_SIZE);
    const cx = rng.int(INPUT_SIZE);
    const h = o.cutoutSize / 2;
    fillRect(out, offset, Math.max(0, cx - h), Math.max(0, cy - h), Math.min(INPUT_SIZE, cx + h), Math.min(INPUT_SIZE, cy + h), () => 0);
  }
  if (rng.next() < o.erasing) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = rng.uniform(0.02, 0.2) * INPUT_SIZE * INPUT_SIZE;
      const aspect = Math.exp(rng.uniform(Math.log(0.3), Math.log(3.3)));
      const h = Math.round(Math.sqrt(area * aspect));
      const w = Math.round(Math.sqrt(area / aspect));
      if (h >= INPUT_SIZE || w >= INPUT_SIZE || h < 1 || w < 1) continue;
      const y = rng.int(INPUT_SIZE - h + 1);
      const x = rng.int(INPUT_SIZE - w + 1);
      fillRect(out, offset, x, y, x + w, y + h, () => rng.normal());
      break;
    }
  }
}

function bilinear(src: Uint8Array, sx: number, sy: number): number {
  const cx = Math.min(INPUT_SIZE - 1, Math.max(0, sx));
  const cy = Math.min(INPUT_SIZE - 1, Math.max(0, sy));
  const x0 = Math.min(INPUT_SIZE - 2, Math.floor(cx));
  const y0 = Math.min(INPUT_SIZE - 2, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const i = y0 * INPUT_SIZE + x0;
  return (src[i] * (1 - fx) + src[i + 1] * fx) * (1 - fy) + (src[i + INPUT_SIZE] * (1 - fx) + src[i + INPUT_SIZE + 1] * fx) * fy;
}

function fillRect(out: Float32Array, offset: number, x0: number, y0: number, x1: number, y1: number, value: () => number): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[offset + y * INPUT_SIZE + x] = value();
}
