/**
 * What the JPEG's own headers say, read before (and besides) decoding: scan count, whether it
 * stores RGB rather than YCbCr, and the EXIF orientation.
 */
import { ascii } from '../bytes.ts';
import { orientationFromTiff } from '../exif.ts';

/**
 * An upper bound of the scans jpeg-js will decode, counting up to `stopAfter`: each Start Of Scan it
 * reads is a 0xFF 0xDA pair somewhere in the bytes (entropy-coded data never holds one; an EXIF
 * thumbnail's are counted too, which only errs on the safe side).
 */
export function countJpegScans(bytes: Uint8Array, stopAfter = Infinity): number {
  let n = 0;
  for (let i = bytes.indexOf(0xff); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0xff, i + 1)) {
    if (bytes[i + 1] === 0xda && ++n > stopAfter) break;
  }
  return n;
}

/** A marker segment before the first scan: its marker, and its data's bounds (clipped to the file). */
export interface JpegSegment {
  marker: number;
  start: number;
  end: number;
}

/**
 * The marker segments after SOI up to the first SOS or EOI, as libjpeg's next_marker finds them:
 * bytes that are not a marker where one is due (and FF 00 pairs) are skipped (libjpeg warns of
 * "extraneous bytes before marker" and goes on), fill bytes (FF FF) are skipped, standalone
 * markers have no length. Stops at a length that runs past the file's end.
 */
export function* jpegSegments(bytes: Uint8Array): Generator<JpegSegment> {
  let p = 2;
  for (;;) {
    while (p < bytes.length && bytes[p] !== 0xff) p++;
    while (p < bytes.length && bytes[p] === 0xff) p++;
    if (p >= bytes.length) return;
    const marker = bytes[p++];
    if (marker === 0x00 || marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || p + 2 > bytes.length) return;
    const len = (bytes[p] << 8) | bytes[p + 1];
    if (len < 2) return;
    yield { marker, start: p + 2, end: Math.min(bytes.length, p + len) };
    if (marker === 0xda) return;
    p += len;
  }
}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** Width and height from the frame header (SOFn), or null when there is none before the first scan. */
export function readJpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  for (const { marker, start, end } of jpegSegments(bytes)) {
    if (marker === 0xda) return null; // a scan before any frame header
    if (isSof(marker))
      return end - start >= 5
        ? { height: (bytes[start + 1] << 8) | bytes[start + 2], width: (bytes[start + 3] << 8) | bytes[start + 4] }
        : null;
  }
  return null;
}

/**
 * Whether a 3-component JPEG stores RGB rather than YCbCr, by libjpeg's rules: a JFIF marker means
 * YCbCr; else an Adobe marker's transform 0 means RGB; else component ids 'R','G','B' do. jpeg-js
 * alone always assumes YCbCr for 3 components, which garbles the colours of RGB JPEGs.
 */
export function jpegStoresRgb(bytes: Uint8Array): boolean {
  let jfif = false;
  let adobeTransform = -1;
  for (const { marker, start: s, end } of jpegSegments(bytes)) {
    const len = end - s;
    if (marker === 0xe0 && len >= 5 && ascii(bytes, s, 5) === 'JFIF\0') jfif = true;
    if (marker === 0xee && len >= 12 && ascii(bytes, s, 6) === 'Adobe\0') adobeTransform = bytes[s + 11];
    if (isSof(marker) && len >= 15 && bytes[s + 5] === 3) {
      if (jfif) return false;
      if (adobeTransform >= 0) return adobeTransform === 0;
      return bytes[s + 6] === 0x52 && bytes[s + 9] === 0x47 && bytes[s + 12] === 0x42;
    }
  }
  return false;
}

/** EXIF orientation (1-8) of a JPEG's first EXIF APP1, 1 when absent or unreadable. */
export function readJpegOrientation(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, start, end } of jpegSegments(bytes)) {
    if (marker === 0xe1 && end - start >= 14 && ascii(bytes, start, 4) === 'Exif') return orientationFromTiff(dv, start + 6, end);
  }
  return 1;
}

/**
 * The JPEG with an EXIF APP1 segment after SOI that says `orientation` (little-endian TIFF, one
 * IFD entry), as phone cameras write it. For tests and benchmarks that need rotated photos.
 */
export function withJpegOrientation(jpeg: Uint8Array, orientation: number): Uint8Array<ArrayBuffer> {
  const tiff = [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const segment = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2));
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}
