/**
 * The first stage of reading an upload, from its bytes alone: which format it is and its size from
 * the header, refusing what is not a JPEG or PNG, a damaged header and a JPEG of too many scans
 * before any pixel is decoded. Decoding follows in ./image-source.ts (regions, the request path) or
 * ./decode.ts (the whole image at once).
 */
import { ascii } from './bytes.ts';
import { ImageError } from './errors.ts';
import { countJpegScans, readJpegSize } from './jpeg/headers.ts';

export type ImageFormat = 'jpeg' | 'png';

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
 * Format and stored size of an upload (before any EXIF orientation), or an ImageError: 415 for
 * another format, corrupt_image for a missing, damaged or empty header. The caller checks the size
 * against its limits, then a JPEG's scans (checkJpegScans).
 */
export function readHeader(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } {
  const format = sniffFormat(bytes);
  if (!format) throw unsupportedFormat(bytes);
  const size = readImageSize(bytes, format);
  if (!size) throw new ImageError('corrupt_image', `The ${format.toUpperCase()} header is missing or damaged.`);
  if (size.width === 0 || size.height === 0) throw new ImageError('corrupt_image', 'The image has zero width or height.');
  return { format, ...size };
}

/**
 * Refuses a JPEG of more than `max` scans from a count of its SOS markers, before any is decoded:
 * each scan walks the blocks it codes, so thousands of tiny scans cost seconds (a fuzz finding).
 */
export function checkJpegScans(bytes: Uint8Array, max: number): void {
  if (countJpegScans(bytes, max) > max)
    throw new ImageError('too_large', `The JPEG has more than ${max} scans (SOS markers); the limit is ${max}.`);
}

/** Megapixels for a message. */
export const megapixels = (pixels: number): string => (pixels / 1e6).toFixed(1);
