/**
 * The public conformance suites (fixtures/conformance/: PngSuite, libjpeg-turbo's testimages,
 * Pillow's test JPEGs; ATTRIBUTION.md) against references computed by programs that are not ours
 * (tools/references/make_conformance.py: djpeg -dct int -nosmooth and Pillow, committed as
 * conformance.json.gz): every valid file decodes within 1 grey level of the reference, every
 * invalid one is an ImageError with the contract's code, nothing else is thrown. Each file goes
 * through both paths: decodeGray, and the worker's (openImage, as its openUpload; the detection
 * image and the detect=false crop, as analyzeImage reads them; then the full-size gray image).
 * Each valid file cut in half is a 400 corrupt_image on both paths (a cut upload is the caller's
 * to resend); the JPEGs libjpeg recovers from decode and say they were damaged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
// The worker's limits: the contract's SOURCE_LIMITS.
import { SOURCE_LIMITS } from '../src/api/limits.ts';
import { decodeGray } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { cropInput, readDetectionImage } from '../src/faces/index.ts';
import { openImage } from '../src/image-source.ts';
import type { GrayImage } from '../src/pixels.ts';

const DIR = join(import.meta.dirname, 'fixtures', 'conformance');

type Reference = { error: string; why: string } | { width: number; height: number; row_step: number; gray: string };
const REF: Record<string, Reference> = JSON.parse(gunzipSync(readFileSync(join(DIR, 'conformance.json.gz'))).toString('utf8'));

/** libjpeg warns and decodes these (stray bytes before a marker; garbage inside a scan before a restart marker). */
const DAMAGED = new Set([
  'pillow/hopper_bad_exif.jpg',
  'pillow/jpeg_ff00_header.jpg',
  'pillow/junk_jpeg_header.jpg',
  'pillow/photoshop-200dpi-broken.jpg',
  'pillow/truncated_app14.jpg',
]);

/**
 * Pixels (of the stored rows) allowed more than 1 level off: 3 blocks of hopper_bad_exif's corrupt
 * data whose samples lie hundreds of levels outside 0-255, where libjpeg-turbo's SIMD IDCT
 * saturates its 16-bit intermediates and ours (float) does not; every other pixel of it is within 1.
 */
const OUTLIERS: Record<string, number> = { 'pillow/hopper_bad_exif.jpg': 9 };

const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

/** Runs `f`; returns the ImageError's code, or null when it returned. Anything else thrown fails the test. */
function codeOf(f: () => unknown, what: string): string | null {
  try {
    f();
    return null;
  } catch (err) {
    assert.ok(err instanceof ImageError, `${what}: threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return err.code;
  }
}

/** Largest difference from the reference's stored rows, how many pixels differ at all, and by more than 1. */
function compare(img: GrayImage, ref: Extract<Reference, { gray: string }>): { max: number; differ: number; over: number } {
  const rows = Buffer.from(ref.gray, 'base64');
  let max = 0;
  let differ = 0;
  let over = 0;
  for (let y = 0, k = 0; y < ref.height; y += ref.row_step, k++) {
    for (let x = 0; x < ref.width; x++) {
      const d = Math.abs(img.data[y * img.width + x] - rows[k * ref.width + x]);
      if (d > max) max = d;
      if (d) differ++;
      if (d > 1) over++;
    }
  }
  return { max, differ, over };
}

const paths = {
  decodeGray: (b: Uint8Array) => decodeGray(b),
  // As the worker's POST /classify: openUpload (openImage with its limits), the detection image,
  // then the whole image as detect=false crops it (cropInput), and the full-size gray image compared.
  openImage: (b: Uint8Array) => {
    const src = openImage(b, SOURCE_LIMITS);
    readDetectionImage(src);
    cropInput(src, { x: 0, y: 0, w: src.width, h: src.height });
    return src.read({ denominator: 1, format: 'gray' });
  },
};

test('every valid file decodes within 1 grey level of the reference on both paths; every invalid one is its ImageError', (t) => {
  let offByOne = 0;
  let compared = 0;
  let valid = 0;
  for (const [name, ref] of Object.entries(REF)) {
    const bytes = file(name);
    for (const [path, decode] of Object.entries(paths)) {
      let img: GrayImage | undefined;
      const code = codeOf(() => {
        img = decode(bytes);
      }, `${name} via ${path}`);
      if ('error' in ref) {
        assert.equal(code, ref.error, `${name} via ${path} (${ref.why})`);
        continue;
      }
      assert.equal(code, null, `${name} via ${path} decodes`);
      assert.deepEqual([img!.width, img!.height], [ref.width, ref.height], `${name} via ${path}: size`);
      const d = compare(img!, ref);
      assert.ok(d.over <= (OUTLIERS[name] ?? 0), `${name} via ${path}: ${d.over} pixels more than 1 level off (max ${d.max})`);
      offByOne += d.differ;
      compared += ref.width * Math.ceil(ref.height / ref.row_step);
    }
    if (!('error' in ref)) valid++;
  }
  const refused = Object.keys(REF).length - valid;
  t.diagnostic(
    `${valid} valid files, ${refused} refused as expected; ${((100 * offByOne) / compared).toFixed(2)}% of compared pixels differ (by 1, bar the outliers)`,
  );
});

test('the JPEGs libjpeg recovers from are reported damaged, and no other file is', () => {
  for (const [name, ref] of Object.entries(REF)) {
    if ('error' in ref) continue;
    const src = openImage(file(name), SOURCE_LIMITS);
    src.read({ denominator: 1, format: 'gray' });
    assert.equal(src.damaged, DAMAGED.has(name), name);
  }
});

test('every valid file cut in half is a 400 corrupt_image on both paths', () => {
  for (const [name, ref] of Object.entries(REF)) {
    if ('error' in ref) continue;
    const bytes = file(name);
    const cut = bytes.subarray(0, bytes.length >> 1);
    for (const [path, decode] of Object.entries(paths))
      assert.equal(
        codeOf(() => decode(cut), `${name} cut, via ${path}`),
        'corrupt_image',
        `${name} cut, via ${path}`,
      );
  }
});
