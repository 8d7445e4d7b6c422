/**
 * Detector input: the whole image letterboxed (aspect ratio kept, centred, black bars) into the
 * 256x256 square, as MediaPipe feeds this model, resized with core's area-averaging taps (those
 * of cropResize) so that a large photo is not aliased, then scaled to [-1, 1].
 */

import type { Box } from '../box.ts';
import type { RgbaImage } from '../decode.ts';
import type { GrayImage } from '../pixels.ts';
import { axisTaps } from '../pixels.ts';
import { DETECTOR_SIZE } from './model.ts';

/** Maps detector input pixels back to image pixels: x = detector x * scaleX + offsetX (y alike). */
export interface DetectorTransform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** The image's size, to clip boxes to it. */
  width: number;
  height: number;
}

export interface DetectorInput {
  /** float32 [1, 3, 256, 256], RGB planes, p / 127.5 - 1. */
  data: Float32Array;
  transform: DetectorTransform;
}

/** The value of a black letterbox bar after scaling (0 / 127.5 - 1). */
const PAD_VALUE = -1;

/**
 * How the image fills the square: 'letterbox' keeps its aspect ratio (what the model was trained
 * with); 'stretch' squeezes it, as some tfjs wrappers do (kept to measure the difference).
 */
export type DetectorFit = 'letterbox' | 'stretch';

/**
 * Builds the detector's input from an RGBA image (4 bytes per pixel) or a grayscale one (1 byte
 * per pixel, repeated into the three channels; the model was trained on colour, so prefer RGBA).
 */
export function prepareDetectorInput(img: RgbaImage | GrayImage, fit: DetectorFit = 'letterbox', region?: Box): DetectorInput {
  const { width: W, height: H, data } = img;
  const channels = data.length / (W * H);
  if (channels !== 1 && channels !== 4) throw new Error(`expected 1 or 4 bytes per pixel, got ${channels}`);
  const S = DETECTOR_SIZE;
  // A region (a tile) is letterboxed on its own: what lies outside it is a bar, as outside an image.
  const r = region ?? { x: 0, y: 0, w: W, h: H };
  const side = Math.max(r.w, r.h);
  const square = fit === 'letterbox' ? { x: r.x + (r.w - side) / 2, y: r.y + (r.h - side) / 2, w: side, h: side } : r;
  const scaleX = square.w / S;
  const scaleY = square.h / S;
  const offsetX = square.x;
  const offsetY = square.y;

  // Core's area-averaging taps, applied to all three channels at once (no per-channel copies).
  const tx = axisTaps(square.x, square.w, S, W);
  const ty = axisTaps(square.y, square.h, S, H);
  const rgba = channels === 4;
  // Horizontal pass over every source row the vertical taps read: S * 3 values per row.
  let rowMin = H;
  let rowMax = -1;
  for (let i = 0; i < ty.idx.length; i++) {
    if (ty.w[i] === 0) continue;
    rowMin = Math.min(rowMin, ty.idx[i]);
    rowMax = Math.max(rowMax, ty.idx[i]);
  }
  const rows = new Float32Array(Math.max(0, rowMax - rowMin + 1) * S * 3);
  for (let row = rowMin; row <= rowMax; row++) {
    const src = row * W;
    const dst = (row - rowMin) * S * 3;
    for (let i = 0; i < S; i++) {
      let cr = 0;
      let cg = 0;
      let cb = 0;
      for (let k = 0; k < tx.per; k++) {
        const w = tx.w[i * tx.per + k];
        if (w === 0) continue;
        const p = src + tx.idx[i * tx.per + k];
        if (rgba) {
          const j = p * 4;
          const a = data[j + 3];
          if (a === 255) {
            cr += data[j] * w;
            cg += data[j + 1] * w;
            cb += data[j + 2] * w;
          } else {
            // Alpha over white, as the classifier's decoding does.
            const t = (255 - a) * 255;
            cr += ((data[j] * a + t) / 255) * w;
            cg += ((data[j + 1] * a + t) / 255) * w;
            cb += ((data[j + 2] * a + t) / 255) * w;
          }
        } else {
          cr += data[p] * w;
        }
      }
      rows[dst + i * 3] = cr;
      rows[dst + i * 3 + 1] = rgba ? cg : cr;
      rows[dst + i * 3 + 2] = rgba ? cb : cr;
    }
  }

  // Columns/rows whose centre falls outside the image are bars (the taps repeated edge pixels there).
  const inside = (i: number, offset: number, scale: number, extent: number) => {
    const c = offset + (i + 0.5) * scale;
    return c >= 0 && c < extent;
  };
  const colIn = Array.from({ length: S }, (_, i) => inside(i, offsetX - r.x, scaleX, Math.min(W, r.x + r.w) - r.x));
  const rowIn = Array.from({ length: S }, (_, i) => inside(i, offsetY - r.y, scaleY, Math.min(H, r.y + r.h) - r.y));

  // Vertical pass straight into the NCHW planes, scaled to [-1, 1].
  const out = new Float32Array(3 * S * S).fill(PAD_VALUE);
  const acc = new Float32Array(S * 3);
  for (let y = 0; y < S; y++) {
    if (!rowIn[y]) continue;
    acc.fill(0);
    for (let k = 0; k < ty.per; k++) {
      const w = ty.w[y * ty.per + k];
      if (w === 0) continue;
      const base = (ty.idx[y * ty.per + k] - rowMin) * S * 3;
      for (let i = 0; i < S * 3; i++) acc[i] += rows[base + i] * w;
    }
    for (let x = 0; x < S; x++) {
      if (!colIn[x]) continue;
      for (let c = 0; c < 3; c++) out[c * S * S + y * S + x] = acc[x * 3 + c] / 127.5 - 1;
    }
  }
  return { data: out, transform: { scaleX, scaleY, offsetX, offsetY, width: W, height: H } };
}
