/**
 * Phone-sized test JPEGs made from the shared photos (upscaled, with a little noise, encoded by
 * libjpeg-turbo's cjpeg as cameras do: baseline 4:2:0): a 12 MP EXIF-6 portrait, a 12 MP group
 * photo of 16 faces of 130-330 px, and a 48 MP photo. Shared by the tests and `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRgba } from '@emotion/core';
import { withJpegOrientation } from '@emotion/core/jpeg/headers';
import { toolSkip } from '@emotion/core/testing/tools';
import { type Bytes, photo } from './images.ts';

/** Needs cjpeg (Debian's libjpeg-turbo-progs): a failure under CI=true, a skip with a message elsewhere. */
export const cjpegSkip = (): false | string => toolSkip('cjpeg');

interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

/** cjpeg of RGB pixels; an EXIF orientation is written after SOI when given. */
export function encodeWithCjpeg(img: Rgb, flags: string[] = [], quality = 90, orientation = 1): Bytes {
  const dir = mkdtempSync(join(tmpdir(), 'big-jpeg-'));
  try {
    const ppm = join(dir, 'in.ppm');
    writeFileSync(
      ppm,
      Buffer.concat([
        Buffer.from(`P6\n${img.width} ${img.height}\n255\n`),
        Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length),
      ]),
    );
    const out = new Uint8Array(
      execFileSync('cjpeg', ['-quality', String(quality), '-sample', '2x2', ...flags, ppm], { maxBuffer: 1 << 30 }),
    );
    return orientation === 1 ? out : withJpegOrientation(out, orientation);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bilinear resize of `src` (1 or 4 bytes a pixel) into the rectangle (ox, oy, sw, sh) of an RGB image, clipped to it. */
function paste(
  src: { width: number; height: number; data: Uint8Array },
  channels: number,
  dst: Rgb,
  ox: number,
  oy: number,
  sw: number,
  sh: number,
): void {
  const x0 = Math.max(0, ox);
  const x1 = Math.min(dst.width, ox + sw);
  const n = Math.max(0, x1 - x0);
  const xi = new Int32Array(n);
  const xf = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const sx = Math.min(src.width - 1.001, Math.max(0, ((x0 + i - ox + 0.5) * src.width) / sw - 0.5));
    xi[i] = Math.floor(sx);
    xf[i] = sx - xi[i];
  }
  const sd = src.data;
  const dd = dst.data;
  for (let y = Math.max(0, oy); y < Math.min(dst.height, oy + sh); y++) {
    const sy = Math.min(src.height - 1.001, Math.max(0, ((y - oy + 0.5) * src.height) / sh - 0.5));
    const r0 = Math.floor(sy) * src.width;
    const r1 = r0 + src.width;
    const fy = sy - Math.floor(sy);
    let o = (y * dst.width + x0) * 3;
    for (let i = 0; i < n; i++) {
      const fx = xf[i];
      const a = (r0 + xi[i]) * channels;
      const b = (r1 + xi[i]) * channels;
      for (let c = 0; c < 3; c++) {
        const k = channels === 1 ? 0 : c;
        const top = sd[a + k] + (sd[a + channels + k] - sd[a + k]) * fx;
        const bottom = sd[b + k] + (sd[b + channels + k] - sd[b + k]) * fx;
        dd[o++] = top + (bottom - top) * fy;
      }
    }
  }
}

function addNoise(img: Rgb, amplitude: number, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < img.data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const v = img.data[i] + ((s >>> 24) / 255 - 0.5) * 2 * amplitude;
    img.data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

function uprightRgbOf(name: string): { width: number; height: number; data: Uint8Array } {
  return decodeRgba(photo(name));
}

/**
 * A photo enlarged (aspect ratio kept) to fill the width or height of a w x h upright frame over a
 * gray background, stored for `orientation` (cameras store the sensor's landscape).
 */
export function upscaledPhotoJpeg(
  name: string,
  w: number,
  h: number,
  opts: { orientation?: number; quality?: number; flags?: string[] } = {},
): Bytes {
  const src = uprightRgbOf(name);
  const upright: Rgb = { width: w, height: h, data: new Uint8Array(w * h * 3).fill(118) };
  const scale = Math.min(w / src.width, h / src.height);
  const sw = Math.round(src.width * scale);
  const sh = Math.round(src.height * scale);
  paste(src, 4, upright, (w - sw) >> 1, (h - sh) >> 1, sw, sh);
  addNoise(upright, 3, 12);
  const o = opts.orientation ?? 1;
  const stored = o === 6 ? rotateForExif6(upright) : upright;
  return encodeWithCjpeg(stored, opts.flags ?? [], opts.quality ?? 90, o);
}

/** Pixels stored so that EXIF orientation 6 (rotate 90 degrees clockwise to view) shows `upright`. */
function rotateForExif6(up: Rgb): Rgb {
  // Stored is upright turned 90 degrees counter-clockwise: stored (x, y) = upright (W_up - 1 - y, x).
  const W = up.height;
  const H = up.width;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const ux = H - 1 - y;
      const uy = x;
      const s = (uy * up.width + ux) * 3;
      const d = (y * W + x) * 3;
      out[d] = up.data[s];
      out[d + 1] = up.data[s + 1];
      out[d + 2] = up.data[s + 2];
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * A 4032x3024 group photo of 16 faces of 144-318 px: three of the shared group photos (bbt4, bbt5,
 * bbt3: 6, 5 and 5 faces) enlarged 3x, 2x and 3.2x into one frame over a textured background.
 * `shift` moves the three groups (no further left or up than the frame's edge): some shifts put two
 * faces where the whole-image pass saw a false face between them (issue 30's 17 faces of 16).
 */
export function groupPhotoJpeg(shift: { x: number; y: number } = { x: 0, y: 0 }): Bytes {
  const W = 4032;
  const H = 3024;
  const img: Rgb = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  const sx = Float32Array.from({ length: W }, (_, x) => Math.sin(x / 37));
  for (let y = 0; y < H; y++) {
    const cy = 40 * Math.cos(y / 53);
    for (let x = 0; x < W; x++) {
      const v = 90 + cy * sx[x] + (y / H) * 60;
      const o = (y * W + x) * 3;
      img.data[o] = v + 20;
      img.data[o + 1] = v;
      img.data[o + 2] = v - 15;
    }
  }
  const place = (name: string, x: number, y: number, scale: number) => {
    const p = uprightRgbOf(name);
    paste(p, 4, img, Math.max(0, x + shift.x), Math.max(0, y + shift.y), Math.round(p.width * scale), Math.round(p.height * scale));
  };
  place('bbt4.jpg', 0, 0, 3);
  place('bbt5.jpg', 2140, 40, 2);
  place('bbt3.jpg', 40, 1440, 3.2);
  addNoise(img, 3, 7);
  return encodeWithCjpeg(img, [], 90);
}

/** Faces in groupPhotoJpeg(): the shared photos' counts (../shared/photos/SOURCE.md). */
export const GROUP_PHOTO_FACES = 16;
