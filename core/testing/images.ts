/**
 * Test images made from pixels or bytes (encoders, resampling, hand-made and hostile PNG/JPEG
 * structure), for the tests and benches of every part. Node-only test support, never in a bundle.
 */
import jpeg from 'jpeg-js';
import UPNG from 'upng-js';

/** Bytes that fetch accepts as a body. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** RGBA pixels of a JPEG resampled (bilinear) to w x h: photo-like content at any size. */
export function resampleJpeg(bytes: Uint8Array, w: number, h: number): Uint8Array {
  const src = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1.001, ((y + 0.5) * src.height) / h - 0.5);
    const y0 = Math.max(0, Math.floor(sy));
    const fy = Math.max(0, sy - y0);
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1.001, ((x + 0.5) * src.width) / w - 0.5);
      const x0 = Math.max(0, Math.floor(sx));
      const fx = Math.max(0, sx - x0);
      for (let c = 0; c < 4; c++) {
        const p = (yy: number, xx: number) => src.data[(yy * src.width + xx) * 4 + c];
        const v = (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x0 + 1)) + fy * ((1 - fx) * p(y0 + 1, x0) + fx * p(y0 + 1, x0 + 1));
        out[(y * w + x) * 4 + c] = c === 3 ? 255 : Math.round(v);
      }
    }
  }
  return out;
}

export function encodeJpeg(rgba: Uint8Array, w: number, h: number, quality = 85): Bytes {
  return new Uint8Array(jpeg.encode({ data: rgba, width: w, height: h }, quality).data);
}

/** Lossless PNG; `cnum` 0 keeps every colour. */
export function encodePng(rgba: Uint8Array, w: number, h: number): Bytes {
  return new Uint8Array(UPNG.encode([rgba.slice().buffer], w, h, 0));
}

/** A copy of a JPEG whose frame header (SOFn) declares another size. */
export function withJpegSize(bytes: Bytes, width: number, height: number): Bytes {
  const b = bytes.slice();
  const dv = new DataView(b.buffer);
  for (let i = 2; i + 9 < b.length; ) {
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xc3) {
      dv.setUint16(i + 5, height);
      dv.setUint16(i + 7, width);
      return b;
    }
    i += 2 + dv.getUint16(i + 2);
  }
  throw new Error('no SOF marker');
}

/** PNG chunk writer with correct CRCs, for hand-made (and hostile) PNGs. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
export function pngChunk(type: string, data: Uint8Array): Bytes {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
export function ihdr(w: number, h: number, depth: number, ctype: number, interlace = 0): Bytes {
  const d = new Uint8Array(13);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  d.set([depth, ctype, 0, 0, interlace], 8);
  return pngChunk('IHDR', d);
}
export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
