/**
 * Preprocessing against an independent implementation: Pillow and libjpeg-turbo, through
 * tools/references/make_fixtures.py (dev-only; its outputs are committed under
 * fixtures/preprocess/, so this test needs no Python). Core's own entry points are compared, the
 * ones the worker calls: decodeGray + toModelInput (whole-image decode), and openImage + cropInput
 * / ImageSource.read (the shrink-on-load path of core/src/faces/find.ts), plus faceCrop's geometry.
 *
 * Tolerances, and why:
 * - Luma, alpha over white, PNG decoding: exact (0 levels). Both are PIL's fixed-point BT.601 and
 *   an integer composite over white.
 * - EXIF orientation: geometry exact (size, and every pixel within 2 levels of libjpeg's decode
 *   of the same file: our IDCT is not libjpeg's, the orientation test image is 4:4:4 at quality 95).
 *   A wrong orientation differs by ~100 levels on most pixels.
 * - Crop + area-averaging resize + normalization, lossless input: 1e-5 (float32 rounding). The
 *   reference is the exact area average (Pillow: NEAREST enlargement by an integer factor, then an
 *   integer BOX reduction), which is what our taps compute. Pillow's plain BOX resize at a
 *   non-integer scale would not do: it weights whole source pixels by where their centres fall,
 *   ours weights the fraction covered.
 * - Photos (JPEG, ../shared/photos), our decoder vs libjpeg-turbo, in model-input units (1 unit =
 *   127.5 gray levels): at full size (libjpeg's integer IDCT and "fancy" chroma upsampling vs ours)
 *   and at DCT scales 1/2..1/8 (libjpeg's scaled IDCT through Image.draft, gray from Y) mean 0.006,
 *   max 0.02 (measured: mean 0.0036, max 0.0086, about 1 gray level). cropInput picks its own scale
 *   (1/2 for a 400 px crop) and is held to the full-size reference, the contract's allowance for
 *   shrink-on-load: mean 0.008, max 0.05 (measured 0.0050, 0.036). The measured figures are printed.
 *   The references shrink only: enlarging, core interpolates linearly, a different rule.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Box } from '../src/box.ts';
import { decodeGray } from '../src/decode.ts';
import { cropInput } from '../src/faces/index.ts';
import { type Denominator, openImage, toScaled } from '../src/image-source.ts';
import { cropResize, normalizePixels, toModelInput } from '../src/pixels.ts';
import { faceCrop } from '../testing/face-crop.ts';
import { GENEROUS_LIMITS } from './jpeg-fixtures.ts';
import { SHARED_PHOTOS, sharedPhotosSkip } from './shared-data.ts';

const DIR = join(import.meta.dirname, 'fixtures', 'preprocess');
const REF = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8'));
const LIMITS = GENEROUS_LIMITS;

const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const bytes64 = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const floats64 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function diff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  assert.equal(a.length, b.length, 'same number of values');
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

const f = (d: { max: number; mean: number }) => `max ${d.max.toExponential(2)}, mean ${d.mean.toExponential(2)}`;

/** A region at a forced DCT scale, as cropInput reads it when the scale is its pick. */
function scaledInput(bytes: Uint8Array, crop: Box, denominator: Denominator): Float32Array {
  const img = openImage(bytes, LIMITS).read({ denominator, region: crop, format: 'gray' });
  return normalizePixels(cropResize(img, toScaled(crop, img)));
}

test('BT.601 luma of RGB pixels is PIL convert("L")', () => {
  const { file: name, width, height, gray } = REF.luma;
  const img = decodeGray(file(name));
  assert.deepEqual([img.width, img.height], [width, height]);
  assert.deepEqual(diff(img.data, bytes64(gray)), { max: 0, mean: 0 });
  const src = openImage(file(name), LIMITS).read({ denominator: 1, format: 'gray' });
  assert.deepEqual(diff(src.data, bytes64(gray)), { max: 0, mean: 0 }, 'openImage');
});

test('alpha over white is PIL alpha_composite over white, then convert("L")', () => {
  const { file: name, gray } = REF.alpha;
  assert.deepEqual(diff(decodeGray(file(name)).data, bytes64(gray)), { max: 0, mean: 0 });
  const src = openImage(file(name), LIMITS).read({ denominator: 1, format: 'gray' });
  assert.deepEqual(diff(src.data, bytes64(gray)), { max: 0, mean: 0 }, 'openImage');
});

test('all 8 EXIF orientations turn the image upright as PIL ImageOps.exif_transpose does', (t) => {
  for (const o of REF.orientation) {
    const want = bytes64(o.gray);
    const whole = decodeGray(file(o.file));
    assert.deepEqual([whole.width, whole.height], [o.width, o.height], `orientation ${o.orientation}: size`);
    const d = diff(whole.data, want);
    t.diagnostic(`orientation ${o.orientation}: ${o.width}x${o.height}, decodeGray vs libjpeg ${f(d)}`);
    assert.ok(d.max <= 2, `orientation ${o.orientation}: decodeGray ${f(d)}`);
    const src = openImage(file(o.file), LIMITS);
    assert.deepEqual([src.width, src.height], [o.width, o.height], `orientation ${o.orientation}: openImage size`);
    const read = src.read({ denominator: 1, format: 'gray' });
    assert.ok(diff(read.data, want).max <= 2, `orientation ${o.orientation}: openImage ${f(diff(read.data, want))}`);
  }
});

test('crop + area-averaging resize to 48x48 + normalization match the exact area average', (t) => {
  const bytes = file(REF.resize.file);
  const gray = decodeGray(bytes);
  const source = openImage(bytes, LIMITS);
  for (const c of REF.resize.cases) {
    const want = floats64(c.input);
    const whole = diff(toModelInput(gray, c.box), want);
    const streamed = diff(cropInput(source, c.box), want);
    t.diagnostic(`${c.name}: toModelInput ${f(whole)}; openImage + cropInput ${f(streamed)}`);
    assert.ok(whole.max <= 1e-5, `${c.name}: toModelInput ${f(whole)}`);
    assert.ok(streamed.max <= 1e-5, `${c.name}: cropInput ${f(streamed)}`);
  }
  // Normalization's range: (p / 255 - 0.5) / 0.5 puts 0 at -1 and 255 at 1.
  assert.deepEqual([...normalizePixels(new Float32Array([0, 127.5, 255]))], [-1, 0, 1]);
});

test('the face crop is the square the contract describes, and its model input matches', () => {
  const { width, height, cases, input } = REF.face_crop;
  for (const c of cases) assert.deepEqual(faceCrop(c.box, { width, height }), c.crop, `detection ${JSON.stringify(c.box)}`);
  const gray = decodeGray(file(REF.resize.file));
  const d = diff(toModelInput(gray, faceCrop(input.box, gray)), floats64(input.input));
  assert.ok(d.max <= 1e-5, f(d));
});

test('photos: whole-image and shrink-on-load decodes against libjpeg-turbo, to the model input', { skip: sharedPhotosSkip() }, (t) => {
  for (const p of REF.photos) {
    const bytes = new Uint8Array(readFileSync(join(SHARED_PHOTOS, p.file)));
    const gray = decodeGray(bytes);
    assert.deepEqual([gray.width, gray.height], [p.width, p.height], p.file);
    const full = floats64(p.full);
    const checks: [string, Float32Array, Float32Array, number, number][] = [
      ['decodeGray + toModelInput', toModelInput(gray, p.crop), full, 0.006, 0.02],
      ['openImage + cropInput (at the scale it picks) vs full size', cropInput(openImage(bytes, LIMITS), p.crop), full, 0.008, 0.05],
      ...p.scaled.map((s: { denominator: Denominator; input: string }): [string, Float32Array, Float32Array, number, number] => [
        `read at 1/${s.denominator}`,
        scaledInput(bytes, p.crop, s.denominator),
        floats64(s.input),
        0.006,
        0.02,
      ]),
    ];
    for (const [what, got, want, mean, max] of checks) {
      const d = diff(got, want);
      t.diagnostic(`${p.file} ${JSON.stringify(p.crop)} ${what}: ${f(d)}`);
      assert.ok(d.mean <= mean && d.max <= max, `${p.file} ${what}: ${f(d)} (tolerance mean ${mean}, max ${max})`);
    }
  }
});
