/**
 * Whether a JPEG is damaged, in the sense of the API's `damaged` flag. The page analyzes the
 * browser's re-encoding of a photo (./prepare.ts), in which the damage the browser decoded around
 * is no longer visible to the decoder, so the original is read here with the API's own decoder
 * (core's, at 1/8 scale: every entropy-coded byte is still read). Its own chunk, loaded when a
 * JPEG is chosen; on-device mode's bundle shares it.
 */
import { SOURCE_LIMITS } from '@emotion/core/api/limits';
import { ImageError } from '@emotion/core/errors';
import { openImage } from '@emotion/core/image-source';

export function jpegDamaged(bytes: Uint8Array): boolean {
  try {
    const source = openImage(bytes, SOURCE_LIMITS);
    source.read({ denominator: 8, format: 'gray' });
    return source.damaged;
  } catch (e) {
    // Corrupt beyond what libjpeg recovers from (a file cut short, say), yet the browser showed it:
    // parts of the picture are made up all the same. Over a limit, or unsupported: nothing known.
    return e instanceof ImageError && e.code === 'corrupt_image';
  }
}
