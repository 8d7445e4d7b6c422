/**
 * Per-face image quality, runtime-neutral: measured on the classifier's own 48x48 input (the
 * aligned crop of a detected face, or the resized box / whole image), de-normalized back to luma
 * 0..255, so every source of region is judged on exactly what the model sees.
 *
 * The thresholds are the one place these flags are decided (npm run measure:quality -w
 * tools/blazeface prints the distributions they were chosen from; numbers beside each).
 */
import { INPUT_SIZE, NORMALIZATION } from '../classes.ts';

/**
 * Measured 2026-12-02 (npm run measure:quality -w tools/blazeface) on the faces detected in
 * ../shared/photos (70) and photos-dev (46), FER2013 PublicTest (3,589 whole 48x48 images) and
 * copies of both degraded on the 48x48 input: blurred (Gaussian, sigma 1 and 1.5 input px),
 * darkened (luma x 0.3), brightened (255 - 0.3 (255 - luma)). The real photos set them: FER2013's
 * crops are contrast-normalized (brightness p1-p99 116-162, contrast p50 75, Laplacian variance p1
 * 1,633), so thresholds taken from FER alone would flag clear phone photos as blurry or dark.
 */
export const QUALITY_THRESHOLDS = {
  /** The model was trained on 48 px faces: a region under this many source pixels is upscaled. Photos: 1/70, photos-dev 2/46 (min 35.6). */
  minSizePx: INPUT_SIZE,
  /**
   * Variance of the 4-neighbour Laplacian of the 48x48 input. Clear photos: min 169, p5 415-450,
   * none flagged; FER2013 p1 1,633, 1/3,589 flagged (a blank image). Blurred sigma 1.5: photos
   * 115/116 flagged (p99 78), FER 2,147/3,589 (its contrast keeps more edges); sigma 1: 39/116.
   * The Laplacian scales with contrast, so a dark or washed-out face may be flagged blurry too
   * (44/116 of the darkened and of the brightened copies).
   */
  minSharpness: 100,
  /** Mean luma. Clear photos: min 62.6, none flagged; FER2013 2/3,589 (a blank, one at 32); darkened copies: max 60.6, 115/116 flagged. */
  minBrightness: 55,
  /**
   * Mean luma. Clear photos: max 201.9 (photos-dev happy_09, children on white), none flagged;
   * FER2013 2/3,589 (205, 246); brightened copies: min 197.3, p5 204.1, 110/116 flagged.
   */
  maxBrightness: 203,
} as const;

export interface FaceQuality {
  /** Side in source pixels of the square the 48x48 input is resized from (a box's shorter side). */
  size: number;
  /** Variance of the Laplacian of the 48x48 input, luma 0..255. */
  sharpness: number;
  /** Mean luma of the 48x48 input, 0..255. */
  brightness: number;
  /** Standard deviation of that luma. */
  contrast: number;
  too_small: boolean;
  blurry: boolean;
  dark: boolean;
  overexposed: boolean;
}

/** Luma 0..255 and its statistics from a 48x48 input, normalized or not. */
export function qualityStats(pixels: Float32Array, normalized = true): { sharpness: number; brightness: number; contrast: number } {
  const s = INPUT_SIZE;
  const { mean, std } = NORMALIZATION;
  const p = normalized ? Float32Array.from(pixels, (v) => (v * std + mean) * 255) : pixels;
  let sum = 0;
  let sq = 0;
  for (const v of p) {
    sum += v;
    sq += v * v;
  }
  const brightness = sum / p.length;
  const contrast = Math.sqrt(Math.max(0, sq / p.length - brightness * brightness));
  let lsum = 0;
  let lsq = 0;
  let n = 0;
  for (let y = 1; y < s - 1; y++) {
    for (let x = 1; x < s - 1; x++) {
      const i = y * s + x;
      const l = p[i - 1] + p[i + 1] + p[i - s] + p[i + s] - 4 * p[i];
      lsum += l;
      lsq += l * l;
      n++;
    }
  }
  const lm = lsum / n;
  return { sharpness: lsq / n - lm * lm, brightness, contrast };
}

/** The quality of one region from its normalized 48x48 model input and the source side it was resized from. */
export function faceQuality(input: Float32Array, sizePx: number): FaceQuality {
  const { sharpness, brightness, contrast } = qualityStats(input);
  const t = QUALITY_THRESHOLDS;
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    size: r1(sizePx),
    sharpness: r1(sharpness),
    brightness: r1(brightness),
    contrast: r1(contrast),
    too_small: sizePx < t.minSizePx,
    blurry: sharpness < t.minSharpness,
    dark: brightness < t.minBrightness,
    overexposed: brightness > t.maxBrightness,
  };
}
