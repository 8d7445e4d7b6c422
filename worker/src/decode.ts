/** Opening an upload for shrink-on-load decoding, with the API's limits (@emotion/core/api). */
import { type ImageSource, openImage } from '@emotion/core';
import { SOURCE_LIMITS } from '@emotion/core/api';

/**
 * JPEG or PNG bytes -> an ImageSource (size, format, JPEG scan count and limits checked from the
 * headers; nothing decoded yet); ImageError (-> 4xx) for anything else.
 */
export function openUpload(bytes: Uint8Array): ImageSource {
  return openImage(bytes, SOURCE_LIMITS);
}
