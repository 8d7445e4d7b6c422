/**
 * The preprocessing stages directly: opening (format sniffing, header readers, ../src/open.ts),
 * whole-image decoding (../src/decode.ts), the pixels (EXIF orientation, BT.601 luma, crop and
 * area-averaging resize, normalization, the mirror of model inputs: ../src/pixels.ts) and boxes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import UPNG from 'upng-js';
import { checkBox } from '../src/box.ts';
import { INPUT_PIXELS, INPUT_SIZE } from '../src/classes.ts';
import { decodeGray } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { readImageSize, sniffFormat, unsupportedFormat } from '../src/open.ts';
import { cropResize, type GrayImage, luma, mirrorInputs, normalizePixels, orient, rgbaToGray, toModelInput } from '../src/pixels.ts';

const rgba = (w: number, h: number, f: (x: number, y: number) => [number, number, number]) => {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set([...f(x, y), 255], (y * w + x) * 4);
  return out;
};
const jpegOf = (w: number, h: number) =>
  new Uint8Array(jpeg.encode({ data: rgba(w, h, (x, y) => [x * 3, y * 3, 128]), width: w, height: h }, 95).data);
const pngOf = (w: number, h: number) => new Uint8Array(UPNG.encode([rgba(w, h, (x) => [x, x, x]).buffer], w, h, 0));

test('sniffFormat: JPEG and PNG by their magic bytes, anything else null', () => {
  assert.equal(sniffFormat(jpegOf(8, 8)), 'jpeg');
  assert.equal(sniffFormat(pngOf(8, 8)), 'png');
  assert.equal(sniffFormat(new TextEncoder().encode('GIF89a......')), null);
  assert.equal(sniffFormat(new Uint8Array([0xff, 0xd8])), null);
  assert.equal(sniffFormat(new Uint8Array(0)), null);
});

test('unsupportedFormat names known other formats and an empty body', () => {
  const gif = unsupportedFormat(new TextEncoder().encode('GIF89a\0\0\0\0\0\0\0\0'));
  assert.ok(gif instanceof ImageError && gif.code === 'unsupported_media_type');
  assert.match(gif.message, /GIF/);
  assert.match(unsupportedFormat(new Uint8Array(0)).message, /empty body/);
});

test('readImageSize: from the JPEG frame header and the PNG IHDR alone', () => {
  assert.deepEqual(readImageSize(jpegOf(37, 21), 'jpeg'), { width: 37, height: 21 });
  assert.deepEqual(readImageSize(pngOf(50, 3), 'png'), { width: 50, height: 3 });
  // Cut before the frame header: no size, rather than a guess.
  assert.equal(readImageSize(jpegOf(37, 21).subarray(0, 20), 'jpeg'), null);
  assert.equal(readImageSize(pngOf(50, 3).subarray(0, 16), 'png'), null);
});

test('orient: the eight EXIF orientations turn a 3x2 image upright', () => {
  // a b c / d e f, as pixel values 1..6
  const img: GrayImage = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const cases: Record<number, [number, number, number[]]> = {
    1: [3, 2, [1, 2, 3, 4, 5, 6]],
    2: [3, 2, [3, 2, 1, 6, 5, 4]],
    3: [3, 2, [6, 5, 4, 3, 2, 1]],
    4: [3, 2, [4, 5, 6, 1, 2, 3]],
    5: [2, 3, [1, 4, 2, 5, 3, 6]],
    6: [2, 3, [4, 1, 5, 2, 6, 3]],
    7: [2, 3, [6, 3, 5, 2, 4, 1]],
    8: [2, 3, [3, 6, 2, 5, 1, 4]],
  };
  for (const [o, [w, h, data]] of Object.entries(cases)) {
    const out = orient(img, Number(o));
    assert.deepEqual([out.width, out.height, Array.from(out.data)], [w, h, data], `orientation ${o}`);
  }
  // RGBA: whole pixels move.
  const px = orient({ width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }, 2);
  assert.deepEqual(Array.from(px.data), [5, 6, 7, 8, 1, 2, 3, 4]);
});

test('luma: BT.601 as PIL convert("L"), alpha composited over white', () => {
  assert.equal(luma(0, 0, 0, 255), 0);
  assert.equal(luma(255, 255, 255, 255), 255);
  assert.equal(luma(255, 0, 0, 255), 76);
  assert.equal(luma(0, 255, 0, 255), 150);
  assert.equal(luma(0, 0, 255, 255), 29);
  assert.equal(luma(0, 0, 0, 0), 255);
  assert.equal(luma(0, 0, 0, 128), 127);
  const g = rgbaToGray(Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1);
  assert.deepEqual(Array.from(g.data), [76, 29]);
});

test('cropResize: area averages when shrinking, the crop only, constant stays constant', () => {
  // 4x4 with 2x2 blocks of 0, 100, 200, 50: shrunk to 2x2, each block's value.
  const data = new Uint8Array(16);
  const blocks = [0, 100, 200, 50];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data[y * 4 + x] = blocks[(y >> 1) * 2 + (x >> 1)];
  const img: GrayImage = { width: 4, height: 4, data };
  assert.deepEqual(Array.from(cropResize(img, { x: 0, y: 0, w: 4, h: 4 }, 2)), blocks);
  assert.deepEqual(Array.from(cropResize(img, { x: 0, y: 0, w: 4, h: 4 }, 1)), [87.5]);
  assert.deepEqual(Array.from(cropResize(img, { x: 2, y: 0, w: 2, h: 2 }, 1)), [100]);
  const flat: GrayImage = { width: 7, height: 5, data: new Uint8Array(35).fill(42) };
  const out = cropResize(flat, { x: 1, y: 1, w: 5, h: 3 });
  assert.equal(out.length, INPUT_PIXELS);
  assert.ok(out.every((v) => Math.abs(v - 42) < 1e-4));
});

test('normalizePixels and toModelInput: (p / 255 - 0.5) / 0.5, 48x48', () => {
  assert.deepEqual(Array.from(normalizePixels(Float32Array.from([0, 255, 127.5]))), [-1, 1, 0]);
  const img: GrayImage = { width: 96, height: 96, data: new Uint8Array(96 * 96).fill(255) };
  const x = toModelInput(img);
  assert.equal(x.length, INPUT_SIZE * INPUT_SIZE);
  assert.ok(x.every((v) => Math.abs(v - 1) < 1e-6));
});

test('checkBox: a box inside the image passes; outside, empty or not finite is bad_box', () => {
  const img = { width: 10, height: 8 };
  assert.deepEqual(checkBox({ x: 0, y: 0, w: 10, h: 8 }, img), { x: 0, y: 0, w: 10, h: 8 });
  for (const box of [
    { x: 1, y: 0, w: 10, h: 8 },
    { x: 0, y: 0, w: 0, h: 3 },
    { x: NaN, y: 0, w: 1, h: 1 },
    { x: -1, y: 0, w: 2, h: 2 },
  ]) {
    assert.throws(
      () => checkBox(box, img),
      (e: unknown) => e instanceof ImageError && e.code === 'bad_box',
      JSON.stringify(box),
    );
  }
});

test('mirrorInputs: each 48-wide row reversed, for every input of a stack; twice is the identity', () => {
  const x = Float32Array.from({ length: 2 * INPUT_PIXELS }, (_, i) => i);
  const m = mirrorInputs(x);
  for (const row of [0, 47, 48, 95]) {
    for (const col of [0, 1, 47]) assert.equal(m[row * INPUT_SIZE + col], x[row * INPUT_SIZE + INPUT_SIZE - 1 - col]);
  }
  assert.deepEqual(mirrorInputs(m), x);
});

test('decodeGray: JPEG and PNG to upright gray; not an image is a 415 ImageError', () => {
  const g = decodeGray(pngOf(5, 2));
  assert.deepEqual([g.width, g.height, Array.from(g.data.subarray(0, 5))], [5, 2, [0, 1, 2, 3, 4]]);
  const j = decodeGray(jpegOf(16, 8));
  assert.deepEqual([j.width, j.height], [16, 8]);
  assert.throws(
    () => decodeGray(new TextEncoder().encode('hello world!')),
    (e: unknown) => e instanceof ImageError && e.code === 'unsupported_media_type',
  );
});
