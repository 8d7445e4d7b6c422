/**
 * The PNG container, checked before any pixel is decoded (./png-stream.ts, ./png-decode.ts): the
 * chunk structure is walked (a length past the end of the file is refused, not looped on), the CRC
 * of every critical chunk is checked as libpng does (IHDR, PLTE, IDAT, IEND: a mismatch is
 * corrupt_image; an ancillary chunk's is not looked at), APNG animation chunks are ignored (the
 * default image is what is classified), the memory a whole decode needs is estimated from IHDR,
 * and inflate is bounded to exactly the size IHDR implies (a few MB of zeros cannot become
 * gigabytes).
 */
import pako from 'pako';
import { ImageError } from './errors.ts';
import { orientationFromTiff } from './exif.ts';

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  ctype: number;
  interlace: number;
}

/** Samples per pixel of each colour type. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const ANIMATION_CHUNKS = new Set(['acTL', 'fcTL', 'fdAT']);
const CRITICAL_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of bytes[from, to) (PNG's, over a chunk's type and data). */
export function crc32(bytes: Uint8Array, from: number, to: number): number {
  let c = -1;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const corrupt = (why: string) => new ImageError('corrupt_image', `The PNG data is corrupt or truncated (${why}).`);

function chunkType(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Adam7's seven passes: [x0, y0, dx, dy] of the pixels each pass holds. */
export const ADAM7_PASSES: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Bytes of the inflated image data (filter byte per row, per Adam7 pass when interlaced). */
export function pngInflatedSize(h: PngHeader): number {
  const bpp = CHANNELS[h.ctype] * h.depth;
  const rowBytes = (w: number) => Math.ceil((w * bpp) / 8) + 1;
  if (h.interlace === 0) return rowBytes(h.width) * h.height;
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    const pw = Math.ceil((h.width - x0) / dx);
    const ph = Math.ceil((h.height - y0) / dy);
    if (pw > 0 && ph > 0) total += rowBytes(pw) * ph;
  }
  return total;
}

/** What decoding will hold at its peak: the inflated data, the de-interlaced copy, and RGBA. */
export function pngDecodeBytes(h: PngHeader): number {
  const stored = Math.ceil((h.width * CHANNELS[h.ctype] * h.depth) / 8) * h.height;
  return pngInflatedSize(h) + (h.interlace ? stored : 0) + h.width * h.height * 4;
}

/** Walks and checks the chunks (CRCs of the critical ones included); returns IHDR and the file without APNG chunks. */
export function preparePng(bytes: Uint8Array): { header: PngHeader; buffer: ArrayBuffer } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | null = null;
  let animated = false;
  let idat = false;
  let end = -1;
  for (let at = 8; at < bytes.length; ) {
    if (at + 12 > bytes.length) throw corrupt('a chunk header is cut off');
    const len = dv.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (len > bytes.length - at - 12) throw corrupt(`the ${type.replace(/[^ -~]/g, '?')} chunk runs past the end`);
    if (at === 8) {
      if (type !== 'IHDR' || len !== 13) throw corrupt('IHDR is not the first chunk');
      const d = at + 8;
      header = { width: dv.getUint32(d), height: dv.getUint32(d + 4), depth: bytes[d + 8], ctype: bytes[d + 9], interlace: bytes[d + 12] };
      if (!VALID_DEPTHS[header.ctype]?.includes(header.depth)) throw corrupt(`colour type ${header.ctype} with bit depth ${header.depth}`);
      if (header.interlace > 1 || bytes[d + 10] !== 0 || bytes[d + 11] !== 0)
        throw corrupt('unknown compression, filter or interlace method');
    }
    if (CRITICAL_CHUNKS.has(type) && crc32(bytes, at + 4, at + 8 + len) !== dv.getUint32(at + 8 + len))
      throw corrupt(`the ${type} chunk's CRC does not match`);
    if (ANIMATION_CHUNKS.has(type)) animated = true;
    if (type === 'IDAT') idat = true;
    at += 12 + len;
    if (type === 'IEND') {
      end = at;
      break;
    }
  }
  if (!header) throw corrupt('no IHDR');
  if (!idat) throw corrupt('no image data');
  if (end < 0) throw corrupt('no IEND');
  if (header.ctype === 3 && !hasChunk(bytes, 'PLTE')) throw corrupt('a palette image without PLTE');
  if (!animated) return { header, buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + end) as ArrayBuffer };
  // Drop acTL/fcTL/fdAT: upng-js then decodes only the default image (IDAT).
  const keep: [number, number][] = [[0, 8]];
  for (let at = 8; at < end; ) {
    const len = dv.getUint32(at);
    if (!ANIMATION_CHUNKS.has(chunkType(bytes, at + 4))) keep.push([at, at + 12 + len]);
    at += 12 + len;
  }
  const out = new Uint8Array(keep.reduce((n, [a, b]) => n + b - a, 0));
  let off = 0;
  for (const [a, b] of keep) {
    out.set(bytes.subarray(a, b), off);
    off += b - a;
  }
  return { header, buffer: out.buffer };
}

function hasChunk(bytes: Uint8Array, want: string): boolean {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length; at += 12 + dv.getUint32(at)) if (chunkType(bytes, at + 4) === want) return true;
  return false;
}

/** The whole-image inflate (boundedInflate; a test may replace it to check that its faults surface). */
export const pngInflateHook = { inflate: boundedInflate };

/** zlib inflate that stops with an error as soon as the output would pass `expected` bytes. */
export function boundedInflate(data: Uint8Array, expected: number): Uint8Array {
  const inflator = new pako.Inflate({ chunkSize: 64 * 1024 });
  const out = new Uint8Array(expected);
  let total = 0;
  inflator.onData = (chunk: Uint8Array) => {
    if (total + chunk.length > expected) throw corrupt('the compressed data inflates past the size IHDR declares');
    out.set(chunk, total);
    total += chunk.length;
  };
  inflator.onEnd = () => {};
  inflator.push(data, true);
  if (inflator.err) throw corrupt('bad compressed data');
  if (total < expected) throw corrupt('the compressed data ends early');
  return out;
}

/**
 * EXIF orientation (1-8) of a PNG's eXIf chunk, 1 when absent, unreadable or its CRC is wrong. Only an eXIf before
 * the first IDAT counts: Chromium ignores one after the image data (core/test/png-exif-chromium.test.ts).
 */
export function readPngOrientation(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length; ) {
    const len = dv.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (type === 'IDAT' || type === 'IEND' || len > bytes.length - at - 12) return 1;
    // An ancillary chunk with a wrong CRC is dropped, as libpng drops it.
    if (type === 'eXIf')
      return crc32(bytes, at + 4, at + 8 + len) === dv.getUint32(at + 8 + len) ? orientationFromTiff(dv, at + 8, at + 8 + len) : 1;
    at += 12 + len;
  }
  return 1;
}
