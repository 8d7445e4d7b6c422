/**
 * What the JPEG's own headers say, read before (and besides) decoding: scan count, whether it
 * stores RGB rather than YCbCr, and the EXIF orientation.
 */
import { ascii } from '../bytes.ts';

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

/**
 * Whether a 3-component JPEG stores RGB rather than YCbCr, by libjpeg's rules: a JFIF marker means
 * YCbCr; else an Adobe marker's transform 0 means RGB; else component ids 'R','G','B' do. jpeg-js
 * alone always assumes YCbCr for 3 components, which garbles the colours of RGB JPEGs.
 */
export function jpegStoresRgb(bytes: Uint8Array): boolean {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let jfif = false;
  let adobeTransform = -1;
  for (let i = 2; i + 4 <= bytes.length && bytes[i] === 0xff; ) {
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const len = dv.getUint16(i + 2);
    if (marker === 0xe0 && len >= 7 && ascii(bytes, i + 4, 5) === 'JFIF\0') jfif = true;
    if (marker === 0xee && len >= 14 && ascii(bytes, i + 4, 6) === 'Adobe\0') adobeTransform = bytes[i + 15];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && len >= 17 && bytes[i + 9] === 3 && i + 19 <= bytes.length) {
      if (jfif) return false;
      if (adobeTransform >= 0) return adobeTransform === 0;
      return bytes[i + 10] === 0x52 && bytes[i + 13] === 0x47 && bytes[i + 16] === 0x42;
    }
    i += 2 + len;
  }
  return false;
}

/** EXIF orientation (1-8) of a JPEG, 1 when absent or unreadable. */
export function readJpegOrientation(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    if (marker === 0xda || marker === 0xd9) break;
    const len = dv.getUint16(i + 2);
    if (marker === 0xe1 && len >= 16 && ascii(bytes, i + 4, 4) === 'Exif') {
      return orientationFromTiff(dv, i + 10, Math.min(bytes.length, i + 2 + len));
    }
    i += 2 + len;
  }
  return 1;
}

function orientationFromTiff(dv: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const little = dv.getUint16(tiff) === 0x4949;
  const u16 = (o: number) => dv.getUint16(o, little);
  const ifd = tiff + dv.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
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
