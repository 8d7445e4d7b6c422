/**
 * The shrink-on-load JPEG decoder against independent decoders: jpeg-js (pixels at scale 1) and
 * the area average of its full decode (scales 1/2, 1/4, 1/8), on every layout cjpeg writes and on
 * the real photos in ../shared; regions and EXIF orientations against the whole-image decode;
 * unsupported kinds named; damaged data a 4xx, never an exception of another kind.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { ImageError } from '../src/errors.ts';
import { openImage, storedBox } from '../src/image-source.ts';
import { type Denominator, JpegDecoder } from '../src/jpeg/decoder.ts';
import { ZIGZAG } from '../src/jpeg/frame.ts';
import { jpegStoresRgb, withJpegOrientation } from '../src/jpeg/headers.ts';
import { type IdctSize, idctBlock, idctBlockSeparable } from '../src/jpeg/idct.ts';
import { type GrayImage, orient, rgbaToGray } from '../src/pixels.ts';
import { Rng } from '../src/rng.ts';
import { toolSkip } from '../testing/tools.ts';
import { cjpeg, GENEROUS_LIMITS, patternRgb, readFixture } from './jpeg-fixtures.ts';
import { SHARED, sharedPhotosSkip } from './shared-data.ts';

const LIMITS = GENEROUS_LIMITS;

const noCjpeg = toolSkip('cjpeg');

function jpegJsGray(bytes: Uint8Array): GrayImage {
  const raw = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxMemoryUsageInMB: 4096,
    maxResolutionInMP: 200,
    ...(jpegStoresRgb(bytes) ? { colorTransform: false } : {}),
  });
  return rgbaToGray(raw.data, raw.width, raw.height);
}

/** Largest and mean absolute difference, and the share of pixels more than 1 level apart. */
function diff(a: Uint8Array, b: Uint8Array): { max: number; mean: number; over1: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let sum = 0;
  let over = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    if (d > 1) over++;
    sum += d;
  }
  return { max, mean: sum / a.length, over1: over / a.length };
}

/** Box average of a full-size gray image by d, over the pixels each output pixel covers inside the image. */
function boxAverage(g: GrayImage, d: number, ow: number, oh: number): Float64Array {
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      let n = 0;
      for (let yy = y * d; yy < Math.min(g.height, (y + 1) * d); yy++) {
        for (let xx = x * d; xx < Math.min(g.width, (x + 1) * d); xx++) {
          s += g.data[yy * g.width + xx];
          n++;
        }
      }
      out[y * ow + x] = s / n;
    }
  }
  return out;
}

/** Compares every scale with the oracle; returns a line for the test's diagnostics. */
function checkAgainstJpegJs(name: string, bytes: Uint8Array): string {
  const ref = jpegJsGray(bytes);
  const dec = new JpegDecoder(bytes, { maxScans: 100 });
  const full = dec.decode({ denominator: 1, format: 'gray' });
  assert.deepEqual([full.width, full.height], [ref.width, ref.height], name);
  const d1 = diff(full.data, ref.data);
  // jpeg-js' integer IDCT rounds at each stage, ours once at the end: a level apart, two on under
  // 0.5%. Its colour conversion truncates where libjpeg's and ours round, so colour images come out
  // up to a level darker on average (measured 0.5 to 0.77; conformance.test.ts and the photos of
  // ../shared hold us to libjpeg within 1 level).
  assert.ok(d1.max <= 2 && d1.over1 < 0.005 && d1.mean < 1, `${name} at scale 1: ${JSON.stringify(d1)}`);
  const parts = [
    `${name} ${dec.width}x${dec.height}: scale 1 max ${d1.max} mean ${d1.mean.toFixed(3)} over 1: ${(d1.over1 * 100).toFixed(2)}%`,
  ];
  for (const d of [2, 4, 8] as Denominator[]) {
    const s = dec.decode({ denominator: d, format: 'gray' });
    assert.deepEqual([s.width, s.height], [Math.ceil(ref.width / d), Math.ceil(ref.height / d)]);
    const avg = boxAverage(ref, d, s.width, s.height);
    let sum = 0;
    let far = 0;
    for (let y = 0; y < s.height; y++) {
      for (let x = 0; x < s.width; x++) {
        const e = Math.abs(avg[y * s.width + x] - s.data[y * s.width + x]);
        sum += e;
        // Further apart only where the IDCT overshoots 0-255 at a hard edge (the full decode clamps
        // each pixel before the average; the scaled one clamps the mean) or the encoder's padding
        // of the last block row or column is averaged in.
        if (e > 3) far++;
      }
    }
    const mean = sum / (s.width * s.height);
    const farShare = far / (s.width * s.height);
    // The mean includes jpeg-js' darker colour conversion (above).
    assert.ok(
      mean < 1.1 && farShare < 0.01,
      `${name} at 1/${d}: mean ${mean.toFixed(3)}, ${(farShare * 100).toFixed(2)}% over 3 levels from the area average`,
    );
    parts.push(`1/${d} mean ${mean.toFixed(2)} (${(farShare * 100).toFixed(2)}% > 3)`);
  }
  return parts.join(', ');
}

const LAYOUTS: [string, string[]][] = [
  ['baseline 4:2:0', ['-sample', '2x2']],
  ['baseline 4:2:2', ['-sample', '2x1']],
  ['baseline 4:4:0', ['-sample', '1x2']],
  ['baseline 4:4:4', ['-sample', '1x1']],
  ['gray', ['-grayscale']],
  ['restart markers every MCU row', ['-restart', '1']],
  ['restart markers every 3 MCUs', ['-restart', '3B']],
  ['optimized Huffman tables', ['-optimize']],
  ['progressive 4:2:0', ['-progressive']],
  ['progressive 4:4:4 with restarts', ['-progressive', '-sample', '1x1', '-restart', '2']],
  ['progressive gray', ['-progressive', '-grayscale']],
  ['RGB (no colour transform)', ['-rgb']],
];

test('every layout cjpeg writes decodes as jpeg-js does, and each scale is the area average of the full decode', { skip: noCjpeg }, (t) => {
  // 203 x 141: not a whole number of MCUs either way.
  const rgb = patternRgb(203, 141);
  for (const [name, flags] of LAYOUTS) t.diagnostic(checkAgainstJpegJs(name, cjpeg(rgb, 203, 141, flags)));
});

test('the photos in ../shared decode as jpeg-js does, at every scale', { skip: sharedPhotosSkip() }, (t) => {
  const files = ['photos', 'photos-dev'].flatMap((d) =>
    readdirSync(join(SHARED, d))
      .filter((f) => /\.jpe?g$/i.test(f))
      .map((f) => join(SHARED, d, f)),
  );
  assert.ok(files.length >= 30, `${files.length} photos`);
  // The largest photos only at scale 1/8 and 1 of a region (jpeg-js takes seconds on them).
  for (const f of files.filter((p) => readFixture(p).length < 1.5e6)) t.diagnostic(checkAgainstJpegJs(f.split('/').pop()!, readFixture(f)));
});

test('a region decodes to exactly the same pixels as that part of the whole image, with or without the row and column index', {
  skip: noCjpeg,
}, () => {
  // 900 px wide: a region at x = 610 starts past the column index's first checkpoint (32 MCUs of 16 px, 64 of 8).
  const rgb = patternRgb(900, 300, 7);
  for (const flags of [['-sample', '2x2'], ['-restart', '1'], ['-restart', '5B'], ['-progressive'], ['-grayscale']]) {
    const bytes = cjpeg(rgb, 900, 300, flags);
    for (const d of [1, 2, 4, 8] as Denominator[]) {
      const whole = new JpegDecoder(bytes, { maxScans: 100 }).decode({ denominator: d, format: 'rgba' });
      for (const region of [
        { x: 137, y: 91, w: 150, h: 120 },
        { x: 610, y: 40, w: 170, h: 200 },
      ])
        for (const dec of [
          new JpegDecoder(bytes, { maxScans: 100 }),
          (() => {
            const warm = new JpegDecoder(bytes, { maxScans: 100 });
            warm.decode({ denominator: 8, format: 'gray' }); // builds the row and column index
            return warm;
          })(),
        ]) {
          const part = dec.decode({ denominator: d, region, format: 'rgba' });
          assert.equal(part.x0, Math.floor(region.x / d) * d);
          assert.equal(part.y0, Math.floor(region.y / d) * d);
          for (let y = 0; y < part.height; y++) {
            const sy = part.y0 / d + y;
            const a = part.data.subarray(y * part.width * 4, (y + 1) * part.width * 4);
            const b = whole.data.subarray((sy * whole.width + part.x0 / d) * 4, (sy * whole.width + part.x0 / d + part.width) * 4);
            assert.deepEqual(a, b, `${flags.join(' ')} 1/${d} region at x ${region.x}, row ${y}`);
          }
        }
    }
  }
});

test('all 8 EXIF orientations: a region of the upright image is that region of the rotated whole decode', { skip: noCjpeg }, () => {
  const rgb = patternRgb(240, 160, 3);
  const plain = cjpeg(rgb, 240, 160, ['-sample', '2x2']);
  const wholeStored = new JpegDecoder(plain, { maxScans: 100 }).decode({ denominator: 1, format: 'gray' });
  for (let o = 1; o <= 8; o++) {
    const bytes = withJpegOrientation(plain, o);
    const src = openImage(bytes, LIMITS);
    const upright = orient({ width: wholeStored.width, height: wholeStored.height, data: wholeStored.data }, o);
    assert.deepEqual([src.width, src.height], [upright.width, upright.height], `orientation ${o}`);
    const region = { x: 16, y: 24, w: 64, h: 48 };
    const r = src.read({ denominator: 1, region, format: 'gray' });
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        const got = r.data[(region.y - r.y0 + y) * r.width + (region.x - r.x0 + x)];
        assert.equal(got, upright.data[(region.y + y) * upright.width + region.x + x], `orientation ${o} at ${x},${y}`);
      }
    }
    // The stored box of an upright box maps back onto itself.
    const s = storedBox(region, o, 240, 160);
    assert.ok(s.x >= 0 && s.y >= 0 && s.x + s.w <= 240 && s.y + s.h <= 160, `orientation ${o}: ${JSON.stringify(s)}`);
  }
});

test('unsupported kinds of JPEG are a 415 that names them', { skip: noCjpeg }, () => {
  const rgb = patternRgb(64, 48);
  const arithmetic = cjpeg(rgb, 64, 48, ['-arithmetic']);
  assert.throws(
    () => new JpegDecoder(arithmetic, { maxScans: 100 }),
    (e) => e instanceof ImageError && e.code === 'unsupported_media_type' && /Arithmetic/.test(e.message),
  );
  // A 12-bit frame header: precision byte of SOF0 set to 12.
  const twelve = cjpeg(rgb, 64, 48).slice();
  const sof = findMarker(twelve, 0xc0);
  twelve[sof + 4] = 12;
  assert.throws(
    () => new JpegDecoder(twelve, { maxScans: 100 }),
    (e) => e instanceof ImageError && e.code === 'unsupported_media_type' && /12-bit/.test(e.message),
  );
  // Lossless (SOF3): the same header relabelled.
  const lossless = cjpeg(rgb, 64, 48).slice();
  lossless[findMarker(lossless, 0xc0) + 1] = 0xc3;
  assert.throws(
    () => new JpegDecoder(lossless, { maxScans: 100 }),
    (e) => e instanceof ImageError && /Lossless/.test(e.message),
  );
});

test('damaged JPEGs decode as far as they go or are a 4xx ImageError, never another exception, never unbounded', { skip: noCjpeg }, () => {
  const rng = new Rng(2026);
  const seeds = [['-sample', '2x2'], ['-progressive'], ['-restart', '1'], ['-sample', '2x1'], ['-grayscale']].map((f) =>
    cjpeg(patternRgb(96, 80, 5), 96, 80, f),
  );
  let decoded = 0;
  let refused = 0;
  for (let i = 0; i < 600; i++) {
    const b = seeds[i % seeds.length].slice(0, rng.int(seeds[i % seeds.length].length - 10) + 10);
    for (let k = rng.int(6); k > 0; k--) b[rng.int(b.length)] = rng.int(256);
    const t0 = performance.now();
    try {
      const dec = new JpegDecoder(b, { maxScans: 100 });
      const d = ([1, 2, 4, 8] as Denominator[])[rng.int(4)];
      const out = dec.decode({ denominator: d, format: rng.int(2) ? 'gray' : 'rgba' });
      assert.ok(out.width >= 1 && out.height >= 1);
      decoded++;
    } catch (e) {
      assert.ok(e instanceof ImageError, `case ${i}: ${e instanceof Error ? e.stack : e}`);
      refused++;
    }
    assert.ok(performance.now() - t0 < 2000, `case ${i} took too long`);
  }
  assert.ok(decoded > 0 && refused > 10, `${decoded} decoded, ${refused} refused`);
});

test('the fast inverse DCTs (sparse sums, AAN then mean) equal the plain separable one on random blocks', () => {
  const rng = new Rng(8);
  const coef = new Int16Array(64);
  const quant = Uint16Array.from({ length: 64 }, (_, k) => 1 + (k % 7));
  const [a, b] = [new Uint8Array(64), new Uint8Array(64)];
  for (let i = 0; i < 3000; i++) {
    coef.fill(0);
    // From DC-only to dense blocks, so every path of idctBlock runs.
    const nonzero = 1 + rng.int(64);
    let last = 0;
    for (let k = 0; k < nonzero; k++) {
      const z = rng.int(64);
      coef[ZIGZAG[z]] = rng.int(256) - 128;
      last = Math.max(last, z);
    }
    for (const n of [8, 4, 2] as IdctSize[]) {
      idctBlock(coef, 0, last, quant, n, a, 0, 8);
      idctBlockSeparable(coef, 0, quant, n, b, 0, 8);
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) assert.equal(a[y * 8 + x], b[y * 8 + x], `block ${i}, n ${n}, sample ${x},${y}`);
    }
  }
});

function findMarker(b: Uint8Array, m: number): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === m) return i;
  throw new Error(`no marker ${m.toString(16)}`);
}
