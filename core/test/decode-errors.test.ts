/**
 * Whose fault an error is: bad data is an ImageError (a 4xx) whichever decoder finds it, while an
 * exception of our own code (a TypeError, a RangeError) is not disguised as one, so that the fuzz
 * suite (worker/test/fuzz, which fails on any 5xx) sees our bugs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeGray } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { pngInflateHook } from '../src/png.ts';
import { decodePngRgba } from '../src/png-decode.ts';

const png = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'preprocess', 'luma.png')));
const jpeg = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'preprocess', 'orient-1.jpg')));

test('a fault in our own PNG inflate is thrown as itself, not as corrupt_image', () => {
  const original = pngInflateHook.inflate;
  pngInflateHook.inflate = () => {
    throw new TypeError('our bug');
  };
  try {
    assert.throws(
      () => decodePngRgba(png, 64),
      (e: unknown) => e instanceof TypeError && !(e instanceof ImageError),
    );
  } finally {
    pngInflateHook.inflate = original;
  }
  assert.equal(decodePngRgba(png, 64).width, 40, 'the hook is restored');
});

test('damaged PNG and JPEG data is an ImageError (corrupt_image), whichever decoder finds it', () => {
  // Truncations, and a flipped byte in the compressed data (pako / our PNG and JPEG decoders).
  const flipped = (b: Uint8Array, at: number) => {
    const c = b.slice();
    c[at] ^= 0xff;
    return c;
  };
  for (const [name, bytes] of [
    ['PNG cut in half', png.subarray(0, png.length >> 1)],
    ['PNG with a damaged IDAT', flipped(png, 60)],
    ['JPEG cut after its headers', jpeg.subarray(0, 400)],
  ] as const) {
    assert.throws(
      () => decodeGray(bytes),
      (e: unknown) => e instanceof ImageError && e.code === 'corrupt_image',
      name,
    );
  }
});
