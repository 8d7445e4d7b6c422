/** Decoding with the shared preprocessing module and the limits of ./limits.ts. */
import { decodeGray, ImageError, readImageSize, sniffFormat, type DecodeLimits, type GrayImage } from '@emotion/core';
import { decodeRgba, type RgbaImage } from '@emotion/core/faces';
import { LIMITS } from './limits.ts';

export const DECODE_LIMITS: DecodeLimits = { maxPixels: LIMITS.maxPixels, maxMemoryMB: LIMITS.maxDecodeMemoryMB, maxJpegScans: LIMITS.maxJpegScans };

function sideError(width: number, height: number): ImageError {
  return new ImageError('too_large', `The image is ${width}x${height}; the limit is ${LIMITS.maxSide} pixels on the longest side.`);
}

/**
 * The longest-side limit, from the header before any pixel is decoded (and again on the decoded
 * size). An image over the pixel limit is left to the decoder, whose message names that limit.
 */
function checkSide(bytes: Uint8Array, decoded?: { width: number; height: number }): void {
  const format = decoded ? null : sniffFormat(bytes);
  const size = decoded ?? (format ? readImageSize(bytes, format) : null);
  if (!size || size.width * size.height > LIMITS.maxPixels) return;
  if (Math.max(size.width, size.height) > LIMITS.maxSide) throw sideError(size.width, size.height);
}

/** JPEG or PNG bytes -> upright grayscale image (the classifier's); ImageError (-> 4xx) for anything else. */
export function decodeUpload(bytes: Uint8Array): GrayImage {
  checkSide(bytes);
  const img = decodeGray(bytes, DECODE_LIMITS);
  checkSide(bytes, img);
  return img;
}

/** JPEG or PNG bytes -> upright RGBA image (the face detector's; core's grayOf() of it = decodeUpload()). */
export function decodeUploadRgba(bytes: Uint8Array): RgbaImage {
  checkSide(bytes);
  const img = decodeRgba(bytes, DECODE_LIMITS);
  checkSide(bytes, img);
  return img;
}
