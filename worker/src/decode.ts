/** Decoding with the shared preprocessing module and the limits of ./limits.ts. */
import { decodeGray, type DecodeLimits, type GrayImage } from '@emotion/core';
import { LIMITS } from './limits.ts';

export const DECODE_LIMITS: DecodeLimits = { maxPixels: LIMITS.maxPixels, maxMemoryMB: LIMITS.maxDecodeMemoryMB };

/** JPEG or PNG bytes -> upright grayscale image; ImageError (-> 4xx) for anything else. */
export function decodeUpload(bytes: Uint8Array): GrayImage {
  return decodeGray(bytes, DECODE_LIMITS);
}
