/**
 * The one preprocessing path (../shared/MODEL.md), shared by training evaluation, the worker and
 * every test: decode (./jpeg/decoder.ts; ./png-decode.ts) -> EXIF orientation -> alpha over white -> BT.601 luma
 * -> crop -> area-averaging resize to 48x48 -> (p / 255 - 0.5) / 0.5.
 */

import { DECODE_LIMITS, LIMITS } from './api/limits.ts';
import { ascii } from './bytes.ts';
import { INPUT_SIZE, NORMALIZATION } from './classes.ts';
import { JpegDecoder } from './jpeg/decoder.ts';
import { countJpegScans, jpegStoresRgb, readJpegOrientation, readJpegSize } from './jpeg/headers.ts';
import { readPngOrientation } from './png.ts';
import { decodePngRgba } from './png-decode.ts';

export { countJpegScans, jpegStoresRgb, readJpegOrientation };

export type ImageFormat = 'jpeg' | 'png';

export { ImageError, type ImageErrorCode } from './errors.ts';

import { ImageError } from './errors.ts';

/** Grayscale image, one byte per pixel, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A region in pixels of the oriented image. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DecodeLimits {
  /** Largest accepted width * height, checked from the header before any pixel is decoded. */
  maxPixels: number;
  /** Decoder memory ceiling in MB: jpeg-js's maxMemoryUsageInMB, and the same estimate for PNG (./png.ts). */
  maxMemoryMB: number;
  /**
   * Most JPEG scans accepted (DEFAULT_MAX_JPEG_SCANS when absent). jpeg-js walks every block of the
   * frame once per scan, even for a scan of a few bytes (one "EOB run" covers 32767 blocks), so a
   * small file of thousands of scans costs seconds of CPU. Encoders write 1 scan (baseline) to
   * about 10-20 (progressive).
   */
  maxJpegScans?: number;
}

/** The API's limit (./api/limits.ts), so that every decoder refuses what the worker refuses. */
export const DEFAULT_MAX_JPEG_SCANS: number = LIMITS.maxJpegScans;

/** The API's decode limits (./api/limits.ts): one set of numbers for every decoder. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = DECODE_LIMITS;

const OTHER_FORMATS: [string, (b: Uint8Array) => boolean][] = [
  ['GIF', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38],
  ['WebP', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP'],
  ['BMP', (b) => b[0] === 0x42 && b[1] === 0x4d],
  ['HEIC/AVIF', (b) => ascii(b, 4, 4) === 'ftyp'],
  ['TIFF', (b) => (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a)],
  ['PDF', (b) => ascii(b, 0, 4) === '%PDF'],
];

/** Identifies the format from the bytes themselves (a Content-Type header can lie). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((v, i) => bytes[i] === v)) return 'png';
  return null;
}

/** The 415 for bytes that are not JPEG or PNG, naming the format when it is a known one. */
export function unsupportedFormat(bytes: Uint8Array): ImageError {
  const other = OTHER_FORMATS.find(([, test]) => bytes.length >= 12 && test(bytes))?.[0];
  const what = bytes.length === 0 ? 'an empty body' : other ? `a ${other} image` : 'data that is neither JPEG nor PNG';
  return new ImageError('unsupported_media_type', `Got ${what}; accepted formats are JPEG and PNG.`);
}

/** Width and height from the header alone (JPEG SOFn, PNG IHDR), or null when not found. */
export function readImageSize(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | null {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  return readJpegSize(bytes);
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

/** Decodes a JPEG or PNG into an upright grayscale image, or throws an ImageError. */
export function decodeGray(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): GrayImage {
  const raw = decodeRgbaRaw(bytes, limits);
  return orient(rgbaToGray(raw.data, raw.width, raw.height), raw.orientation);
}

/** Decoded RGBA pixels (4 bytes each) as stored, before the EXIF orientation is applied. */
export interface RawRgba {
  width: number;
  height: number;
  data: Uint8Array;
  /** EXIF orientation to apply with orient() (a PNG's from its eXIf chunk). */
  orientation: number;
}

/** Decodes a JPEG or PNG into RGBA with the size checks and errors of decodeGray. */
export function decodeRgbaRaw(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): RawRgba {
  const format = sniffFormat(bytes);
  if (!format) throw unsupportedFormat(bytes);
  const size = readImageSize(bytes, format);
  if (!size) throw new ImageError('corrupt_image', `The ${format.toUpperCase()} header is missing or damaged.`);
  if (size.width === 0 || size.height === 0) throw new ImageError('corrupt_image', 'The image has zero width or height.');
  if (size.width * size.height > limits.maxPixels) {
    throw new ImageError(
      'too_large',
      `The image is ${size.width}x${size.height} (${mp(size.width * size.height)} MP); the limit is ${mp(limits.maxPixels)} MP.`,
    );
  }
  const maxScans = limits.maxJpegScans ?? DEFAULT_MAX_JPEG_SCANS;
  if (format === 'jpeg') {
    checkJpegScans(bytes, maxScans);
    const dec = new JpegDecoder(bytes, { maxScans });
    const req = { denominator: 1, format: 'rgba' } as const;
    const need = dec.bytesFor(req);
    if (need > limits.maxMemoryMB * 1024 * 1024) {
      throw new ImageError(
        'too_large',
        `Decoding this ${size.width}x${size.height} JPEG needs about ${Math.ceil(need / 2 ** 20)} MB, over the limit of ${limits.maxMemoryMB} MB.`,
      );
    }
    const raw = dec.decode(req);
    return { width: raw.width, height: raw.height, data: raw.data, orientation: readJpegOrientation(bytes) };
  }
  const png = decodePngRgba(bytes, limits.maxMemoryMB);
  if (png.width !== size.width || png.height !== size.height)
    throw new ImageError('corrupt_image', 'The PNG data is corrupt (size mismatch).');
  return { ...png, orientation: readPngOrientation(bytes) };
}

/**
 * Refuses a JPEG of more than `max` scans from a count of its SOS markers, before any is decoded:
 * each scan walks the blocks it codes, so thousands of tiny scans cost seconds (a fuzz finding).
 */
export function checkJpegScans(bytes: Uint8Array, max: number): void {
  if (countJpegScans(bytes, max) > max)
    throw new ImageError('too_large', `The JPEG has more than ${max} scans (SOS markers); the limit is ${max}.`);
}

function mp(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
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

/** Parses and checks a box against the oriented image; throws ImageError('bad_box'). */
export function checkBox(box: Box, img: { width: number; height: number }): Box {
  const vals = [box.x, box.y, box.w, box.h];
  if (!vals.every(Number.isFinite)) throw new ImageError('bad_box', 'box must be four finite numbers x,y,w,h.');
  if (box.w < 1 || box.h < 1) throw new ImageError('bad_box', 'box width and height must be at least 1 pixel.');
  if (box.x < 0 || box.y < 0 || box.x + box.w > img.width || box.y + box.h > img.height) {
    throw new ImageError('bad_box', `box ${vals.join(',')} lies outside the ${img.width}x${img.height} image.`);
  }
  return box;
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
