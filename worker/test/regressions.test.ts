/**
 * Every input that ever broke something (test/regressions/: a body file and a JSON saying what it
 * broke and the answer it must get now), replayed in-process through the Worker's request path up
 * to the models. hostile-http.test.ts replays them through the real Worker in workerd. Also the
 * decoding fixes found by the fuzzer, checked directly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeGray, ImageError } from '@emotion/core';
import { DECODE_LIMITS, LIMITS } from '@emotion/core/api';
import { countJpegScans, jpegStoresRgb } from '@emotion/core/jpeg/headers';
import { jpegScanBomb } from './fuzz/mutate.ts';
import { regressionCases, runInProcess } from './fuzz/run.ts';
import { FIXTURES } from './fuzz/seeds.ts';

const cases = regressionCases();

test('the regression files are there, small, and each says what it broke', () => {
  assert.ok(cases.length >= 4, `${cases.length} regression files`);
  for (const { c, r } of cases) {
    assert.ok(c.body.length <= 50 * 1024, `${r.file} is ${c.body.length} bytes (small files only)`);
    assert.ok(r.why.length > 20, `${r.file} says why it is kept`);
  }
});

for (const { c, r } of cases) {
  test(`regression ${c.id}: ${r.expect ? `${r.expect.status} ${r.expect.code}` : '200 or a 4xx'} in-process`, async () => {
    const o = await runInProcess(c, 3000);
    assert.equal(o.failure, undefined, o.failure);
    if (r.expect) assert.deepEqual({ status: o.status, code: o.code }, r.expect);
  });
}

test(`JPEG scans: more than ${LIMITS.maxJpegScans} is a 413 before decoding; up to it decodes`, () => {
  const t0 = performance.now();
  assert.throws(
    () => decodeGray(jpegScanBomb(2000, 20_000), DECODE_LIMITS),
    (e) => e instanceof ImageError && e.code === 'too_large' && /scans/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 500, 'refused from a count of the markers, not by decoding');
  assert.equal(decodeGray(jpegScanBomb(256, LIMITS.maxJpegScans), DECODE_LIMITS).width, 256);
  assert.equal(countJpegScans(jpegScanBomb(64, 7)), 7);
  for (const f of ['progressive.jpg', 'cmyk-progressive.jpg', 'progressive-restart.jpg']) {
    const n = countJpegScans(new Uint8Array(readFileSync(join(FIXTURES, f))));
    assert.ok(n > 1 && n <= 20, `${f}: ${n} scans, as encoders write (libjpeg: 10 for YCbCr, 18 for CMYK)`);
  }
});

test('an RGB JPEG (Adobe transform 0) decodes to the same gray as ImageMagick, not as YCbCr', () => {
  const rgb = new Uint8Array(readFileSync(join(FIXTURES, 'rgb-no-transform.jpg')));
  const ycc = new Uint8Array(readFileSync(join(FIXTURES, 'optimized-huffman.jpg')));
  assert.equal(jpegStoresRgb(rgb), true);
  assert.equal(jpegStoresRgb(ycc), false);
  const mean = (b: Uint8Array) => {
    const g = decodeGray(b, DECODE_LIMITS);
    return g.data.reduce((a, v) => a + v, 0) / g.data.length;
  };
  // `convert rgb-no-transform.jpg -colorspace Rec601Luma -format '%[fx:mean*255]' info:` = 108.7;
  // read as YCbCr (jpeg-js' default) it was 130.9.
  assert.ok(Math.abs(mean(rgb) - 108.7) < 1, `mean gray ${mean(rgb)}`);
  assert.ok(Math.abs(mean(rgb) - mean(ycc)) < 1.5, 'the same picture stored as RGB and as YCbCr decodes alike');
});
