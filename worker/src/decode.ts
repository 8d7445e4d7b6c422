/** Opening an upload for shrink-on-load decoding, with the limits of ./limits.ts. */
import { countJpegScans, ImageError, openImage, sniffFormat, type DecodeLimits, type ImageSource, type SourceLimits } from '@emotion/core';
import { LIMITS } from './limits.ts';

export const SOURCE_LIMITS: SourceLimits = {
  maxPixelsStreamed: LIMITS.maxPixels,
  maxPixelsHeld: LIMITS.maxPixelsHeld,
  maxSide: LIMITS.maxSide,
  maxDecodeBytes: LIMITS.maxDecodeMemoryMB * 1024 * 1024,
  maxJpegScans: LIMITS.maxJpegScans,
};

/** The same limits for core's whole-image decodeGray (tests and tools that decode a whole upload). */
export const DECODE_LIMITS: DecodeLimits = { maxPixels: LIMITS.maxPixels, maxMemoryMB: LIMITS.maxDecodeMemoryMB, maxJpegScans: LIMITS.maxJpegScans };

/**
 * JPEG or PNG bytes -> an ImageSource (size, format and limits checked from the header; nothing
 * decoded yet); ImageError (-> 4xx) for anything else. The scan count is checked first: a JPEG of
 * thousands of tiny scans is refused before any of them is walked.
 */
export function openUpload(bytes: Uint8Array): ImageSource {
  const max = LIMITS.maxJpegScans;
  if (sniffFormat(bytes) === 'jpeg' && countJpegScans(bytes, max) > max) {
    throw new ImageError('too_large', `The JPEG has more than ${max} scans (SOS markers); the limit is ${max}.`);
  }
  return openImage(bytes, SOURCE_LIMITS);
}
