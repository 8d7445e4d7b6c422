/** Colour decoding for the detector, on the same decode and EXIF path as decodeGray. */

import type { DecodeLimits, GrayImage } from '../preprocess.ts';
import { DEFAULT_DECODE_LIMITS, decodeRgbaRaw, orient, rgbaToGray } from '../preprocess.ts';

/** An upright RGBA image, 4 bytes per pixel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes a JPEG or PNG into an upright RGBA image, or throws an ImageError (same limits and errors
 * as decodeGray). grayOf() of the result equals decodeGray() of the same bytes.
 */
export function decodeRgba(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): RgbaImage {
  const raw = decodeRgbaRaw(bytes, limits);
  const img = { width: raw.width, height: raw.height, data: raw.data.subarray(0, raw.width * raw.height * 4) };
  return orient(img, raw.orientation);
}

/** The classifier's grayscale image (BT.601, alpha over white) of a decoded RGBA image. */
export function grayOf(img: RgbaImage): GrayImage {
  return rgbaToGray(img.data, img.width, img.height);
}
