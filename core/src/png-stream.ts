/**
 * Streamed decoding of non-interlaced PNGs: the image data is inflated chunk by chunk (pako's
 * streaming Inflate), unfiltered a row at a time against the previous row, converted to RGBA
 * (16-bit samples keep their high byte, as libpng's strip_16 and browsers), and handed to the
 * caller row by row, so the whole image is never held in RGBA (4 bytes a pixel) nor as inflated
 * data. Interlaced PNGs (Adam7) cannot be unfiltered row by row in image order; ./png-decode.ts
 * decodes those whole, with the same unfilter and row conversion.
 */
import pako from 'pako';
import { ImageError } from './errors.ts';
import { CHANNELS, type PngHeader, preparePng } from './png.ts';

const corrupt = (why: string) => new ImageError('corrupt_image', `The PNG data is corrupt or truncated (${why}).`);

export interface Tables {
  palette: Uint8Array | null;
  trns: Uint8Array | null;
}

/** Chunks after IHDR that decoding needs: PLTE, tRNS and the IDAT data, in file order (chunks already checked by preparePng). */
export function readChunks(bytes: Uint8Array): { tables: Tables; idat: Uint8Array[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables: Tables = { palette: null, trns: null };
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const len = dv.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'PLTE') tables.palette = data;
    else if (type === 'tRNS') tables.trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  return { tables, idat };
}

/** Bytes the streamed decode itself holds: two filtered rows, one RGBA row, pako's window and buffers. */
export function pngStreamBytes(h: PngHeader): number {
  const rowBytes = Math.ceil((h.width * CHANNELS[h.ctype] * h.depth) / 8) + 1;
  return 2 * rowBytes + 4 * h.width + 3 * 65536;
}

/**
 * Decodes a non-interlaced PNG, calling `row(y, rgba)` for each row in order (`rgba` is reused:
 * copy what you keep). Throws ImageError for damaged data, before or while streaming.
 */
export function streamPngRows(bytes: Uint8Array, row: (y: number, rgba: Uint8Array) => void): PngHeader {
  const { header } = preparePng(bytes);
  if (header.interlace) throw new Error('streamPngRows: interlaced PNGs are decoded whole (./png-decode.ts)');
  const { width: W, height: H, depth, ctype } = header;
  const { tables, idat } = readChunks(bytes);
  if (ctype === 3 && !tables.palette) throw corrupt('a palette image without PLTE');
  const bitsPerPixel = CHANNELS[ctype] * depth;
  const rowBytes = Math.ceil((W * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let prev = new Uint8Array(rowBytes);
  let cur = new Uint8Array(rowBytes);
  const rgba = new Uint8Array(W * 4);
  const convert = rowConverter(header, tables);
  let y = 0;
  let filled = -1; // -1: the filter byte is next
  let filter = 0;
  const onData = (chunk: Uint8Array) => {
    let i = 0;
    while (i < chunk.length) {
      if (y >= H) throw corrupt('the compressed data inflates past the size IHDR declares');
      if (filled < 0) {
        filter = chunk[i++];
        if (filter > 4) throw corrupt(`row ${y} has filter type ${filter}`);
        filled = 0;
        continue;
      }
      const n = Math.min(rowBytes - filled, chunk.length - i);
      cur.set(chunk.subarray(i, i + n), filled);
      filled += n;
      i += n;
      if (filled === rowBytes) {
        unfilter(filter, cur, prev, bpp);
        convert(cur, rgba);
        row(y, rgba);
        [prev, cur] = [cur, prev];
        y++;
        filled = -1;
      }
    }
  };
  const inflator = new pako.Inflate({ chunkSize: 64 * 1024 });
  inflator.onData = onData;
  inflator.onEnd = () => {};
  for (let k = 0; k < idat.length; k++) {
    inflator.push(idat[k], k === idat.length - 1);
    if (inflator.err) throw corrupt('bad compressed data');
  }
  if (y < H) throw corrupt('the compressed data ends early');
  return header;
}

/** PNG's five filters, undone in place against the previous (already unfiltered) row. */
export function unfilter(filter: number, cur: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = cur.length;
  switch (filter) {
    case 1:
      for (let i = bpp; i < n; i++) cur[i] = (cur[i] + cur[i - bpp]) & 255;
      break;
    case 2:
      for (let i = 0; i < n; i++) cur[i] = (cur[i] + prev[i]) & 255;
      break;
    case 3:
      for (let i = 0; i < bpp; i++) cur[i] = (cur[i] + (prev[i] >> 1)) & 255;
      for (let i = bpp; i < n; i++) cur[i] = (cur[i] + ((cur[i - bpp] + prev[i]) >> 1)) & 255;
      break;
    case 4:
      for (let i = 0; i < bpp; i++) cur[i] = (cur[i] + prev[i]) & 255; // Paeth with a = c = 0 picks b
      for (let i = bpp; i < n; i++) {
        const a = cur[i - bpp];
        const b = prev[i];
        const c = prev[i - bpp];
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        cur[i] = (cur[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
      }
      break;
    default:
  }
}

/** One unfiltered row of `h.width` pixels -> RGBA (16-bit: the high byte; tRNS keys; palette alpha). */
export function rowConverter(h: PngHeader, t: Tables): (src: Uint8Array, out: Uint8Array) => void {
  const { width: W, depth, ctype } = h;
  const u16 = (d: Uint8Array, i: number) => (d[i] << 8) | d[i + 1];
  const trns = t.trns;
  if (ctype === 6) {
    return depth === 8
      ? (s, o) => o.set(s.subarray(0, W * 4))
      : (s, o) => {
          for (let i = 0; i < W * 4; i++) o[i] = s[i << 1];
        };
  }
  if (ctype === 2) {
    const key = trns && trns.length >= 6 ? [u16(trns, 0), u16(trns, 2), u16(trns, 4)] : null;
    return (s, o) => {
      for (let i = 0; i < W; i++) {
        const q = i << 2;
        if (depth === 8) {
          const j = i * 3;
          o[q] = s[j];
          o[q + 1] = s[j + 1];
          o[q + 2] = s[j + 2];
          o[q + 3] = key && s[j] === key[0] && s[j + 1] === key[1] && s[j + 2] === key[2] ? 0 : 255;
        } else {
          const j = i * 6;
          o[q] = s[j];
          o[q + 1] = s[j + 2];
          o[q + 2] = s[j + 4];
          o[q + 3] = key && u16(s, j) === key[0] && u16(s, j + 2) === key[1] && u16(s, j + 4) === key[2] ? 0 : 255;
        }
      }
    };
  }
  if (ctype === 3) {
    const p = t.palette!;
    const tl = trns ? trns.length : 0;
    return (s, o) => {
      for (let i = 0; i < W; i++) {
        const j = depth === 8 ? s[i] : (s[(i * depth) >> 3] >> (8 - depth - ((i * depth) & 7))) & ((1 << depth) - 1);
        const q = i << 2;
        o[q] = p[3 * j] ?? 0;
        o[q + 1] = p[3 * j + 1] ?? 0;
        o[q + 2] = p[3 * j + 2] ?? 0;
        o[q + 3] = j < tl ? trns![j] : 255;
      }
    };
  }
  if (ctype === 4) {
    return (s, o) => {
      for (let i = 0; i < W; i++) {
        const q = i << 2;
        const g = depth === 8 ? s[i << 1] : s[i << 2];
        o[q] = o[q + 1] = o[q + 2] = g;
        o[q + 3] = depth === 8 ? s[(i << 1) + 1] : s[(i << 2) + 2];
      }
    };
  }
  // Gray (ctype 0): low depths scaled to 0-255; a tRNS key makes that gray transparent.
  const key = trns && trns.length >= 2 ? u16(trns, 0) : -1;
  const scale = depth === 1 ? 255 : depth === 2 ? 85 : depth === 4 ? 17 : 1;
  return (s, o) => {
    for (let i = 0; i < W; i++) {
      let g: number;
      let transparent: boolean;
      if (depth === 16) {
        g = s[i << 1];
        transparent = u16(s, i << 1) === key;
      } else if (depth === 8) {
        g = s[i];
        transparent = g === key;
      } else {
        g = scale * ((s[(i * depth) >> 3] >> (8 - depth - ((i * depth) & 7))) & ((1 << depth) - 1));
        transparent = g === key * scale;
      }
      const q = i << 2;
      o[q] = o[q + 1] = o[q + 2] = g;
      o[q + 3] = transparent ? 0 : 255;
    }
  };
}
