/**
 * Damaged JPEGs as libjpeg decodes them (djpeg -dct int -nosmooth, run here): a marker inside a
 * restart interval (the rest of the interval is mid-grey, decoding resumes at the next restart
 * marker), stray bytes before a restart marker, a restart marker renumbered or missing (libjpeg's
 * jpeg_resync_to_restart), on a streamed baseline and a progressive JPEG, through decodeGray and
 * openImage; each within 1 level of libjpeg and reported damaged. A scan that reaches EOI or the
 * end of the file before its last block stays a corrupt_image.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { decodeGray } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { openImage } from '../src/image-source.ts';
import { concat } from '../testing/images.ts';
import { toolSkip } from '../testing/tools.ts';
import { cjpeg, GENEROUS_LIMITS, patternRgb } from './jpeg-fixtures.ts';

// Wide enough that a region on the right starts past the decoder's first column checkpoint (32 MCUs).
const W = 640;
const H = 128;
const skip = toolSkip('cjpeg') || toolSkip('djpeg');

/** libjpeg's decode (warnings allowed: exit status 2) as BT.601 gray, core's luma. */
function djpegGray(bytes: Uint8Array): Uint8Array {
  const run = spawnSync('djpeg', ['-dct', 'int', '-nosmooth', '-pnm'], { input: bytes, maxBuffer: 1 << 26 });
  assert.ok(run.status === 0 || run.status === 2, `djpeg: ${run.stderr}`);
  const rgb = run.stdout.subarray(run.stdout.length - W * H * 3);
  const out = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) out[i] = (rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16;
  return out;
}

const restarts = (b: Uint8Array) => {
  const at: number[] = [];
  for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7) at.push(i);
  return at;
};

/** The damages, each made at the third restart marker (rst) of the JPEG. */
const DAMAGES: Record<string, (b: Uint8Array, rst: number, prev: number) => Uint8Array> = {
  'a marker inside an interval': (b, rst, prev) => {
    const mid = (prev + rst) >> 1;
    return concat(b.subarray(0, mid), new Uint8Array([0xff, 0x12]), b.subarray(mid));
  },
  'stray bytes before a restart marker': (b, rst) => concat(b.subarray(0, rst), new Uint8Array([1, 2, 3, 4, 5]), b.subarray(rst)),
  'a restart marker renumbered': (b, rst) => {
    const out = b.slice();
    out[rst + 1] = 0xd0 + ((out[rst + 1] - 0xd0 + 1) & 7);
    return out;
  },
  'a restart marker missing': (b, rst) => concat(b.subarray(0, rst), b.subarray(rst + 2)),
};

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const layout of ['baseline', 'progressive'] as const) {
  test(`${layout}: damaged scans decode as libjpeg decodes them, within 1 level, and say so`, { skip }, () => {
    const flags = ['-restart', '1', ...(layout === 'progressive' ? ['-progressive'] : [])];
    const clean = cjpeg(patternRgb(W, H, 7), W, H, flags);
    const rst = restarts(clean);
    assert.ok(rst.length >= 4, 'restart markers written');
    const src = openImage(clean, GENEROUS_LIMITS);
    assert.equal(src.layout, layout === 'baseline' ? 'jpeg-streamed' : 'jpeg-coefficients');
    src.read({ denominator: 1, format: 'gray' });
    assert.equal(src.damaged, false, 'the clean file is not damaged');
    for (const [name, damage] of Object.entries(DAMAGES)) {
      const bytes = damage(clean, rst[2], rst[1]);
      const ref = djpegGray(bytes);
      const whole = decodeGray(bytes);
      assert.ok(maxDiff(whole.data, ref) <= 1, `${name}: decodeGray within 1 level of libjpeg (max ${maxDiff(whole.data, ref)})`);
      const s = openImage(bytes, GENEROUS_LIMITS);
      const read = s.read({ denominator: 1, format: 'gray' });
      assert.ok(maxDiff(read.data, ref) <= 1, `${name}: openImage within 1 level of libjpeg`);
      // A region read after the whole image (as a face's crop after detection) is that part of it.
      const box = { x: 560, y: 8, w: 70, h: 100 };
      const part = s.read({ denominator: 1, region: box, format: 'gray' });
      for (let y = 0; y < part.height; y++) {
        const from = (part.y0 + y) * W + part.x0;
        assert.deepEqual(
          part.data.subarray(y * part.width, (y + 1) * part.width),
          read.data.subarray(from, from + part.width),
          `${name}: region row ${y}`,
        );
      }
      assert.equal(s.damaged, true, `${name}: reported damaged`);
      // The damage shows (the test can fail): the clean file's decode differs from it.
      if (name === 'a marker inside an interval') assert.ok(maxDiff(decodeGray(clean).data, ref) > 20, 'the lost part is grey');
    }
  });

  test(`${layout}: a scan that reaches EOI or the file's end before its last block is corrupt_image`, { skip }, () => {
    const clean = cjpeg(patternRgb(W, H, 7), W, H, ['-restart', '1', ...(layout === 'progressive' ? ['-progressive'] : [])]);
    const rst = restarts(clean);
    const mid = (rst[1] + rst[2]) >> 1;
    for (const [name, bytes] of [
      ['EOI inside the scan', concat(clean.subarray(0, mid), new Uint8Array([0xff, 0xd9]), clean.subarray(mid))],
      ['cut inside the scan', clean.subarray(0, mid)],
      ['no EOI after the last scan', clean.subarray(0, clean.length - 2)],
    ] as const) {
      for (const decode of [() => decodeGray(bytes), () => openImage(bytes, GENEROUS_LIMITS).read({ denominator: 8, format: 'gray' })]) {
        // A baseline file without EOI whose scan is whole is the whole image: libjpeg shows it, so do we.
        if (name === 'no EOI after the last scan' && layout === 'baseline') {
          assert.doesNotThrow(decode, name);
          continue;
        }
        assert.throws(decode, (e: unknown) => e instanceof ImageError && e.code === 'corrupt_image', name);
      }
    }
  });
}
