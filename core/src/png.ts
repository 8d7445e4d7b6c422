/**
 * PNG guards around upng-js, which trusts its input: a chunk length past the end of the file makes
 * it loop for seconds, its inflate has no output bound (a few MB of zeros inflate to gigabytes), and
 * APNG frames are decoded at whatever size their fcTL declares. So before upng-js sees the bytes:
 * the chunk structure is walked and checked, APNG animation chunks are dropped (the default image
 * is what is classified), the memory the decode will need is estimated from IHDR and checked
 * against the limit, and inflate is bounded to exactly the size IHDR implies.
 */
import pako from 'pako';
import UPNG from 'upng-js';
import { ImageError } from './errors.ts';

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  ctype: number;
  interlace: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const ANIMATION_CHUNKS = new Set(['acTL', 'fcTL', 'fdAT']);

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

/** Walks and checks the chunks; returns IHDR and the file without APNG chunks, for upng-js. */
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

/** The inflate upng-js is given (boundedInflate; a test may replace it to check that its faults surface). */
export const pngInflateHook = { inflate: boundedInflate };
const inflatePng = (data: Uint8Array, expected: number) => pngInflateHook.inflate(data, expected);

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
 * Decodes a PNG (checked by preparePng) to RGBA, refusing it with 413 when the decode would need
 * more than `maxMemoryMB` by the estimate of pngDecodeBytes.
 */
export function decodePngRgba(bytes: Uint8Array, maxMemoryMB: number): { width: number; height: number; data: Uint8Array } {
  const { header, buffer } = preparePng(bytes);
  const need = pngDecodeBytes(header);
  if (need > maxMemoryMB * 1024 * 1024) {
    throw new ImageError(
      'too_large',
      `Decoding this ${header.width}x${header.height} PNG needs about ${Math.ceil(need / 2 ** 20)} MB; the limit is ${maxMemoryMB} MB.`,
    );
  }
  const expected = pngInflatedSize(header);
  const original = UPNG.decode._inflate;
  // A fault of our own inflate hook (anything but an ImageError) is kept apart from upng-js's, so
  // that it surfaces as our bug (a 500) instead of being blamed on the upload.
  let ownFault: { error: unknown } | null = null;
  UPNG.decode._inflate = (data: Uint8Array) => {
    try {
      return inflatePng(data, expected);
    } catch (error) {
      if (!(error instanceof ImageError)) ownFault = { error };
      throw error;
    }
  };
  // upng-js throws on malformed data it does not expect: third-party decoding errors are the
  // upload's fault (a 400); ours pass through (ImageError a 4xx, anything else a 500).
  let png: ReturnType<typeof UPNG.decode>;
  let data: Uint8Array;
  try {
    png = UPNG.decode(buffer);
    if (png.width !== header.width || png.height !== header.height || !png.data) throw corrupt('size mismatch');
    data = new Uint8Array(UPNG.toRGBA8(png)[0]);
  } catch (err) {
    if (err instanceof ImageError) throw err;
    if (ownFault) throw (ownFault as { error: unknown }).error;
    throw corrupt('upng-js could not decode it');
  } finally {
    UPNG.decode._inflate = original;
  }
  if (data.length < png.width * png.height * 4) throw corrupt('pixel data is short');
  return { width: png.width, height: png.height, data };
}
