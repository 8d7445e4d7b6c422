/** Opening an upload for shrink-on-load decoding, with the API's limits (@emotion/core/api). */
import { type DecodeLimits, type ImageSource, openImage } from '@emotion/core';
import { LIMITS, SOURCE_LIMITS } from '@emotion/core/api';

/** The same limits for core's whole-image decodeGray (tests and tools that decode a whole upload). */
export const DECODE_LIMITS: DecodeLimits = {
  maxPixels: LIMITS.maxPixels,
  maxMemoryMB: LIMITS.maxDecodeMemoryMB,
  maxJpegScans: LIMITS.maxJpegScans,
};

/**
 * JPEG or PNG bytes -> an ImageSource (size, format, JPEG scan count and limits checked from the
 * headers; nothing decoded yet); ImageError (-> 4xx) for anything else.
 */
export function openUpload(bytes: Uint8Array): ImageSource {
  return openImage(bytes, SOURCE_LIMITS);
}
