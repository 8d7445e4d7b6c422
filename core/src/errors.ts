/** The one error type of image decoding: a problem with the caller's image, never our own bug. */
export type ImageErrorCode = 'unsupported_media_type' | 'corrupt_image' | 'too_large' | 'bad_box';

/** A problem with the caller's image: maps to a 4xx, never a 500. */
export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}
