/**
 * The streamed PNG decoder against upng-js (the decoder it replaces on the request path) on every
 * colour type and bit depth, every filter, palettes and tRNS keys; and the streamed ImageSource's
 * gray and detection images against the whole decode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pako from 'pako';
import UPNG from 'upng-js';
import { decodeGray } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { openImage } from '../src/image-source.ts';
import { streamPngRows } from '../src/png-stream.ts';
import { Rng } from '../src/rng.ts';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  let c = 0xffffffff;
  for (const x of out.subarray(4, 8 + data.length)) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  dv.setUint32(8 + data.length, (c ^ 0xffffffff) >>> 0);
  return out;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG of random samples with a random filter on each row, split over several IDAT chunks. */
function makePng(w: number, h: number, depth: number, ctype: number, rng: Rng, extra: Uint8Array[] = []): Uint8Array {
  const rowBytes = Math.ceil((w * CHANNELS[ctype] * depth) / 8);
  const raw = new Uint8Array((rowBytes + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (rowBytes + 1)] = rng.int(5);
    for (let i = 1; i <= rowBytes; i++) raw[y * (rowBytes + 1) + i] = rng.int(4) === 0 ? rng.int(256) : (i * 7 + y * 3) & 255;
  }
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr.set([depth, ctype, 0, 0, 0], 8);
  const z = pako.deflate(raw);
  const third = Math.ceil(z.length / 3);
  const idats = [0, 1, 2].map((k) => chunk('IDAT', z.subarray(k * third, (k + 1) * third)));
  return concat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    ...idats,
    chunk('IEND', new Uint8Array(0)),
  );
}

function upngRgba(png: Uint8Array): Uint8Array {
  return new Uint8Array(UPNG.toRGBA8(UPNG.decode(png.slice().buffer))[0]);
}

function streamed(png: Uint8Array, w: number): Uint8Array {
  const rows: Uint8Array[] = [];
  streamPngRows(png, (_, rgba) => rows.push(rgba.slice(0, w * 4)));
  return concat(...rows);
}

test('every colour type and bit depth, every filter: the same RGBA as upng-js', () => {
  const rng = new Rng(14);
  const types: [number, number[]][] = [
    [0, [1, 2, 4, 8, 16]],
    [2, [8, 16]],
    [3, [1, 2, 4, 8]],
    [4, [8, 16]],
    [6, [8, 16]],
  ];
  for (const [ctype, depths] of types) {
    for (const depth of depths) {
      // Widths a whole number of bytes a row (upng-js mis-reads gray rows of 1-4 bits that are not).
      const w = 40;
      const extra: Uint8Array[] = [];
      if (ctype === 3) {
        extra.push(
          chunk(
            'PLTE',
            Uint8Array.from({ length: 3 << depth }, (_, i) => (i * 37) & 255),
          ),
        );
        extra.push(
          chunk(
            'tRNS',
            Uint8Array.from({ length: Math.min(3, 1 << depth) }, (_, i) => i * 100),
          ),
        );
      }
      if (ctype === 0) extra.push(chunk('tRNS', new Uint8Array([0, depth === 16 ? 7 : 1])));
      if (ctype === 2) extra.push(chunk('tRNS', new Uint8Array([0, 7, 0, 7, 0, 7])));
      const png = makePng(w, 23, depth, ctype, rng, extra);
      assert.deepEqual(streamed(png, w), upngRgba(png), `colour type ${ctype}, ${depth}-bit`);
    }
  }
});

test('the streamed source: its gray image is decodeGray, its detection image the box average', () => {
  const rng = new Rng(3);
  const png = makePng(301, 203, 8, 6, rng);
  const src = openImage(png, { maxPixelsStreamed: 1e8, maxPixelsHeld: 1e8, maxSide: 8192, maxDecodeBytes: 1e9, maxJpegScans: 100 });
  assert.equal(src.layout, 'png-streamed');
  const whole = decodeGray(png);
  const g = src.read({ denominator: 1, format: 'gray' });
  assert.deepEqual(g.data, whole.data);
  const det = src.read({ denominator: 4, format: 'rgba' });
  assert.deepEqual([det.width, det.height], [76, 51]);
  const rgba = upngRgba(png);
  // Pixel (10, 7) of the 1/4 image: the mean of its 4x4 block, per channel.
  for (let c = 0; c < 4; c++) {
    let s = 0;
    for (let y = 28; y < 32; y++) for (let x = 40; x < 44; x++) s += rgba[(y * 301 + x) * 4 + c];
    assert.equal(det.data[(7 * 76 + 10) * 4 + c], Math.round(s / 16));
  }
});

test('damaged PNG data is a 400 while streaming: bad filter, short data, data past the end', () => {
  const rng = new Rng(5);
  const good = makePng(16, 8, 8, 2, rng);
  const rows = (png: Uint8Array) => () => streamPngRows(png, () => {});
  const raw = new Uint8Array(49 * 8);
  raw[0] = 9;
  const ihdr = good.subarray(8, 33);
  const sig = good.subarray(0, 8);
  const iend = chunk('IEND', new Uint8Array(0));
  assert.throws(
    rows(concat(sig, ihdr, chunk('IDAT', pako.deflate(raw)), iend)),
    (e) => e instanceof ImageError && /filter type 9/.test(e.message),
  );
  assert.throws(
    rows(concat(sig, ihdr, chunk('IDAT', pako.deflate(new Uint8Array(100))), iend)),
    (e) => e instanceof ImageError && /ends early/.test(e.message),
  );
  assert.throws(
    rows(concat(sig, ihdr, chunk('IDAT', pako.deflate(new Uint8Array(49 * 9))), iend)),
    (e) => e instanceof ImageError && /past the size/.test(e.message),
  );
});
