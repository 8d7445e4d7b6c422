/** The PNG guards and decoding in @emotion/core (core/src/png.ts, png-decode.ts), unit-tested in Node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeGray, ImageError } from '@emotion/core';
import { boundedInflate, pngDecodeBytes, pngInflatedSize } from '@emotion/core/png';
import pako from 'pako';
import { concat, ihdr, PNG_SIGNATURE, photo, pngChunk } from './images.ts';
import { photosSkip } from './shared-data.ts';

const skipPhotos = photosSkip();

const IEND = pngChunk('IEND', new Uint8Array(0));

function chunks(png: Uint8Array): { type: string; bytes: Uint8Array }[] {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let at = 8; at < png.length; ) {
    const len = dv.getUint32(at);
    out.push({ type: String.fromCharCode(...png.subarray(at + 4, at + 8)), bytes: png.subarray(at, at + 12 + len) });
    at += 12 + len;
  }
  return out;
}

function u32s(...v: number[]): Uint8Array {
  const b = new Uint8Array(v.length * 4);
  v.forEach((x, i) => new DataView(b.buffer).setUint32(i * 4, x));
  return b;
}

function fcTL(seq: number, w: number, h: number): Uint8Array {
  const d = new Uint8Array(26);
  d.set(u32s(seq, w, h, 0, 0), 0);
  return pngChunk('fcTL', d);
}

function rejects(fn: () => unknown, code: string, message?: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof ImageError && e.code === code && (!message || message.test(e.message)));
}

test('APNG: animation chunks are dropped and the default image is decoded, whatever the frames declare', { skip: skipPhotos }, () => {
  const png = photo('amy/amy1.png');
  const cs = chunks(png);
  const head = cs.filter((c) => c.type !== 'IDAT' && c.type !== 'IEND').map((c) => c.bytes);
  const idat = cs.filter((c) => c.type === 'IDAT').map((c) => c.bytes);
  const fdat = pngChunk('fdAT', concat(u32s(3), pako.deflate(new Uint8Array(1000))));
  const apng = concat(PNG_SIGNATURE, ...head, pngChunk('acTL', u32s(2, 0)), fcTL(0, 150, 150), ...idat, fcTL(2, 60000, 60000), fdat, IEND);
  assert.deepEqual(decodeGray(apng), decodeGray(png));
});

test('boundedInflate: exact output passes, more or less is corrupt, a bomb stops early', () => {
  const data = new Uint8Array(5000).map((_, i) => i * 7);
  assert.deepEqual(boundedInflate(pako.deflate(data), 5000), data);
  rejects(() => boundedInflate(pako.deflate(data), 4999), 'corrupt_image', /inflates past/);
  rejects(() => boundedInflate(pako.deflate(data), 5001), 'corrupt_image', /ends early/);
  const bomb = pako.deflate(new Uint8Array(16 * 1024 * 1024));
  const t0 = performance.now();
  rejects(() => boundedInflate(bomb, 100), 'corrupt_image');
  assert.ok(performance.now() - t0 < 1000, 'stops at the first chunk past the bound');
});

test('interlaced (Adam7) PNG: the inflated size and the decoded pixels are right', () => {
  const W = 13;
  const H = 11;
  const px = (x: number, y: number) => (x * 7 + y * 13) & 255;
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < H; y += dy) {
      if (x0 >= W) continue;
      rows.push(0);
      for (let x = x0; x < W; x += dx) rows.push(px(x, y));
    }
  }
  const header = { width: W, height: H, depth: 8, ctype: 0, interlace: 1 };
  assert.equal(pngInflatedSize(header), rows.length);
  const png = concat(PNG_SIGNATURE, ihdr(W, H, 8, 0, 1), pngChunk('IDAT', pako.deflate(Uint8Array.from(rows))), IEND);
  const img = decodeGray(png);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) assert.equal(img.data[y * W + x], px(x, y), `pixel ${x},${y}`);
});

test('16-bit grayscale and palette PNGs decode', () => {
  const g16 = new Uint8Array(3 * (1 + 5 * 2));
  for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) g16[y * 11 + 1 + x * 2] = x * 50;
  const img16 = decodeGray(concat(PNG_SIGNATURE, ihdr(5, 3, 16, 0), pngChunk('IDAT', pako.deflate(g16)), IEND));
  assert.deepEqual(Array.from(img16.data.subarray(0, 5)), [0, 50, 100, 150, 200]);
  const plte = pngChunk('PLTE', Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]));
  const idx = Uint8Array.from([0, 0, 1, 2, 3]);
  const pal = decodeGray(concat(PNG_SIGNATURE, ihdr(4, 1, 8, 3), plte, pngChunk('IDAT', pako.deflate(idx)), IEND));
  assert.deepEqual(Array.from(pal.data), [76, 150, 29, 255]);
  rejects(() => decodeGray(concat(PNG_SIGNATURE, ihdr(4, 1, 8, 3), pngChunk('IDAT', pako.deflate(idx)), IEND)), 'corrupt_image', /PLTE/);
});

test('structural damage is a 400-class error, found before any pixel is decoded', { skip: skipPhotos }, () => {
  const png = photo('amy/amy1.png');
  const huge = png.slice();
  new DataView(huge.buffer).setUint32(33, 0xfffffff0);
  const t0 = performance.now();
  rejects(() => decodeGray(huge), 'corrupt_image', /runs past the end/);
  assert.ok(performance.now() - t0 < 1000);
  const iend = chunks(png).find((c) => c.type === 'IEND')!;
  rejects(() => decodeGray(png.subarray(0, png.length - iend.bytes.length)), 'corrupt_image', /no IEND/);
  rejects(() => decodeGray(concat(PNG_SIGNATURE, ihdr(4, 4, 8, 0), IEND)), 'corrupt_image', /no image data/);
  rejects(
    () => decodeGray(concat(PNG_SIGNATURE, ihdr(4, 4, 3, 2), pngChunk('IDAT', pako.deflate(new Uint8Array(8))), IEND)),
    'corrupt_image',
    /bit depth/,
  );
  rejects(
    () => decodeGray(concat(PNG_SIGNATURE, ihdr(4, 4, 8, 0), pngChunk('IDAT', pako.deflate(new Uint8Array(3))), IEND)),
    'corrupt_image',
    /ends early/,
  );
});

test('the PNG memory estimate is what the limit is checked against', () => {
  const h = { width: 1000, height: 1000, depth: 8, ctype: 6, interlace: 0 };
  assert.equal(pngDecodeBytes(h), 1000 * 4001 + 4_000_000);
  rejects(
    () =>
      decodeGray(concat(PNG_SIGNATURE, ihdr(1000, 1000, 8, 6), pngChunk('IDAT', pako.deflate(new Uint8Array(10))), IEND), {
        maxPixels: 4e6,
        maxMemoryMB: 7,
      }),
    'too_large',
    /limit is 7 MB/,
  );
});
