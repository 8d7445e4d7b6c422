/**
 * The whole image decoded at once, upright, for code that wants every pixel (training's evaluation
 * images, the tools, the tests' references). The request path reads only the regions it needs
 * instead (./image-source.ts); both start from ./open.ts and use the same decoders.
 */
import { DECODE_LIMITS, LIMITS } from './api/limits.ts';
import { ImageError } from './errors.ts';
import { JpegDecoder } from './jpeg/decoder.ts';
import { readJpegOrientation } from './jpeg/headers.ts';
import { checkJpegScans, megapixels, readHeader } from './open.ts';
import { type GrayImage, orient, rgbaToGray } from './pixels.ts';
import { readPngOrientation } from './png.ts';
import { decodePngRgba } from './png-decode.ts';

export interface DecodeLimits {
  /** Largest accepted width * height, checked from the header before any pixel is decoded. */
  maxPixels: number;
  /** Decoder memory ceiling in MB: the JPEG decoder's estimate for a whole decode, and the same for PNG (./png.ts). */
  maxMemoryMB: number;
  /**
   * Most JPEG scans accepted (the API's, LIMITS.maxJpegScans, when absent). The decoder walks every
   * block of the frame once per scan, even for a scan of a few bytes (one "EOB run" covers 32767
   * blocks), so a small file of thousands of scans costs seconds of CPU. Encoders write 1 scan
   * (baseline) to about 10-20 (progressive).
   */
  maxJpegScans?: number;
}

/** The API's decode limits (./api/limits.ts): one set of numbers for every decoder. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = DECODE_LIMITS;

/** An upright RGBA image, 4 bytes per pixel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a JPEG or PNG into an upright grayscale image (BT.601, alpha over white), or throws an ImageError. */
export function decodeGray(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): GrayImage {
  const raw = decodeStored(bytes, limits);
  return orient(rgbaToGray(raw.data, raw.width, raw.height), raw.orientation);
}

/**
 * Decodes a JPEG or PNG into an upright RGBA image, with the limits and errors of decodeGray.
 * rgbaToGray() of the result equals decodeGray() of the same bytes.
 */
export function decodeRgba(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): RgbaImage {
  const raw = decodeStored(bytes, limits);
  return orient({ width: raw.width, height: raw.height, data: raw.data.subarray(0, raw.width * raw.height * 4) }, raw.orientation);
}

/** RGBA pixels as stored, and the EXIF orientation that turns them upright. */
function decodeStored(bytes: Uint8Array, limits: DecodeLimits): RgbaImage & { orientation: number } {
  const { format, ...size } = readHeader(bytes);
  if (size.width * size.height > limits.maxPixels) {
    throw new ImageError(
      'too_large',
      `The image is ${size.width}x${size.height} (${megapixels(size.width * size.height)} MP); the limit is ${megapixels(limits.maxPixels)} MP.`,
    );
  }
  const maxScans = limits.maxJpegScans ?? LIMITS.maxJpegScans;
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
