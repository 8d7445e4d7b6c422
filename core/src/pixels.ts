/**
 * The pixel stage, after decoding: EXIF orientation, BT.601 luma (alpha over white), crop and
 * area-averaging resize to the classifier's 48x48, normalization, and the mirror view of flip TTA
 * (../shared/MODEL.md). Pure functions on decoded pixels.
 */
import type { Box } from './box.ts';
import { INPUT_SIZE, NORMALIZATION } from './classes.ts';

/** Grayscale image, one byte per pixel, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Applies an EXIF orientation so that the image is upright. Works for any number of bytes per
 * pixel (1 for gray, 4 for RGBA), read from the data length.
 */
export function orient<T extends GrayImage>(img: T, orientation: number): T {
  if (orientation <= 1 || orientation > 8) return img;
  const { width: W, height: H, data } = img;
  const c = data.length / (W * H);
  const swap = orientation >= 5;
  const w = swap ? H : W;
  const h = swap ? W : H;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          sx = W - 1 - x;
          sy = y;
          break;
        case 3:
          sx = W - 1 - x;
          sy = H - 1 - y;
          break;
        case 4:
          sx = x;
          sy = H - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = H - 1 - x;
          break;
        case 7:
          sx = W - 1 - y;
          sy = H - 1 - x;
          break;
        default:
          sx = W - 1 - y;
          sy = x;
          break; // 8
      }
      if (c === 1) out[y * w + x] = data[sy * W + sx];
      else for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = data[(sy * W + sx) * c + k];
    }
  }
  return { ...img, width: w, height: h, data: out };
}

/** BT.601 luma of RGBA pixels, alpha composited over white, rounded as PIL's convert("L") does. */
export function rgbaToGray(rgba: Uint8Array, width: number, height: number): GrayImage {
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = luma(rgba[j], rgba[j + 1], rgba[j + 2], rgba[j + 3]);
  return { width, height, data: out };
}

/** BT.601 luma of one RGBA pixel (8-bit values), alpha composited over white, as rgbaToGray. */
export function luma(r: number, g: number, b: number, a: number): number {
  if (a !== 255) {
    const t = (255 - a) * 255;
    r = Math.round((r * a + t) / 255);
    g = Math.round((g * a + t) / 255);
    b = Math.round((b * a + t) / 255);
  }
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** Per-axis resampling taps: area coverage when shrinking, linear interpolation when enlarging. */
export function axisTaps(
  start: number,
  length: number,
  outSize: number,
  srcSize: number,
): { idx: Int32Array; w: Float32Array; per: number } {
  const scale = length / outSize;
  const per = scale >= 1 ? Math.ceil(scale) + 1 : 2;
  const idx = new Int32Array(outSize * per);
  const w = new Float32Array(outSize * per);
  const clamp = (s: number) => Math.min(srcSize - 1, Math.max(0, s));
  for (let i = 0; i < outSize; i++) {
    if (scale >= 1) {
      const a = start + i * scale;
      const b = a + scale;
      let k = 0;
      for (let s = Math.floor(a); s < b && k < per; s++, k++) {
        idx[i * per + k] = clamp(s);
        w[i * per + k] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
      }
    } else {
      const c = start + (i + 0.5) * scale - 0.5;
      const s0 = Math.floor(c);
      const f = c - s0;
      idx[i * per] = clamp(s0);
      w[i * per] = 1 - f;
      idx[i * per + 1] = clamp(s0 + 1);
      w[i * per + 1] = f;
    }
  }
  return { idx, w, per };
}

/**
 * Crops `box` (clamped pixels are repeated outside the image) and resizes it to size x size with
 * an area-averaging filter, so a large photo is not aliased. Returns luma values in [0, 255].
 */
export function cropResize(img: GrayImage, box: Box, size = INPUT_SIZE): Float32Array {
  const tx = axisTaps(box.x, box.w, size, img.width);
  const ty = axisTaps(box.y, box.h, size, img.height);
  // Horizontal pass on just the rows the vertical taps touch.
  const rows = new Map<number, Float32Array>();
  const row = (r: number) => {
    let out = rows.get(r);
    if (out) return out;
    out = new Float32Array(size);
    const base = r * img.width;
    for (let i = 0; i < size; i++) {
      let acc = 0;
      for (let k = 0; k < tx.per; k++) acc += img.data[base + tx.idx[i * tx.per + k]] * tx.w[i * tx.per + k];
      out[i] = acc;
    }
    rows.set(r, out);
    return out;
  };
  const out = new Float32Array(size * size);
  for (let j = 0; j < size; j++) {
    for (let k = 0; k < ty.per; k++) {
      const wy = ty.w[j * ty.per + k];
      if (wy === 0) continue;
      const r = row(ty.idx[j * ty.per + k]);
      for (let i = 0; i < size; i++) out[j * size + i] += r[i] * wy;
    }
  }
  return out;
}

/** (p / 255 - mean) / std, in place. */
export function normalizePixels(pixels: Float32Array): Float32Array {
  const { mean, std } = NORMALIZATION;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (pixels[i] / 255 - mean) / std;
  return pixels;
}

/** The model input for one region of a decoded image: 48*48 normalized floats. */
export function toModelInput(img: GrayImage, box?: Box): Float32Array {
  const region = box ?? { x: 0, y: 0, w: img.width, h: img.height };
  return normalizePixels(cropResize(img, region));
}

/**
 * Every model input of a stack [n, 1, 48, 48] mirrored left to right: the second view of flip
 * test-time augmentation (training's evaluation and the worker average the two views' probabilities).
 */
export function mirrorInputs(inputs: Float32Array): Float32Array {
  const out = new Float32Array(inputs.length);
  for (let row = 0; row < inputs.length; row += INPUT_SIZE)
    for (let x = 0; x < INPUT_SIZE; x++) out[row + x] = inputs[row + INPUT_SIZE - 1 - x];
  return out;
}
