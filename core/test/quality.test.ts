import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INPUT_SIZE } from '../src/classes.ts';
import { faceQuality, QUALITY_THRESHOLDS as T } from '../src/faces/quality.ts';
import { normalizePixels } from '../src/pixels.ts';

const N = INPUT_SIZE * INPUT_SIZE;
/** A normalized model input from luma values 0..255. */
const input = (luma: (x: number, y: number) => number) =>
  normalizePixels(Float32Array.from({ length: N }, (_, i) => luma(i % INPUT_SIZE, Math.floor(i / INPUT_SIZE))));

test('a flat crop: no edges (blurry), brightness its level, no contrast; dark and overexposed by the thresholds', () => {
  const mid = faceQuality(
    input(() => 128),
    100,
  );
  assert.deepEqual([mid.sharpness, mid.brightness, mid.contrast], [0, 128, 0]);
  assert.deepEqual([mid.too_small, mid.blurry, mid.dark, mid.overexposed], [false, true, false, false]);
  assert.equal(
    faceQuality(
      input(() => T.minBrightness - 1),
      100,
    ).dark,
    true,
  );
  assert.equal(
    faceQuality(
      input(() => T.maxBrightness + 1),
      100,
    ).overexposed,
    true,
  );
});

test('a checkerboard is sharp: Laplacian variance of +-4 * 2 * amplitude; size under 48 px is too_small', () => {
  const q = faceQuality(
    input((x, y) => ((x + y) % 2 ? 148 : 108)),
    47.5,
  );
  // Every interior pixel's Laplacian is +-4 * 40 = +-160.
  assert.ok(Math.abs(q.sharpness - 160 * 160) < 1, `sharpness ${q.sharpness}`);
  assert.equal(q.brightness, 128);
  assert.equal(q.contrast, 20);
  assert.deepEqual([q.too_small, q.blurry, q.dark, q.overexposed], [true, false, false, false]);
  assert.equal(
    faceQuality(
      input(() => 128),
      INPUT_SIZE,
    ).too_small,
    false,
  );
});
