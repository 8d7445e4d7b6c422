/**
 * rgbaSource (a camera frame's pixels as an ImageSource): its reads against block means computed
 * here, whole and by region, RGBA and gray (BT.601 luma of the block's mean, as decoded PNGs read).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageError } from '../src/errors.ts';
import { rgbaSource } from '../src/image-source.ts';
import { luma } from '../src/pixels.ts';
import { Rng } from '../src/rng.ts';

const W = 37;
const H = 22;
const rng = new Rng(17);
const rgba = Uint8Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rng.next() * 256)));

/** The mean of channel c over the d x d block at output pixel (ox, oy), clipped to the image. */
function blockMean(ox: number, oy: number, d: number, c: number): number {
  let sum = 0;
  let n = 0;
  for (let y = oy * d; y < Math.min(H, (oy + 1) * d); y++)
    for (let x = ox * d; x < Math.min(W, (ox + 1) * d); x++, n++) sum += rgba[(y * W + x) * 4 + c];
  return Math.round(sum / n);
}

test('whole-image reads are the block means at every denominator, RGBA and gray', () => {
  const src = rgbaSource(rgba, W, H);
  assert.deepEqual([src.width, src.height], [W, H]);
  for (const d of [1, 2, 4, 8] as const) {
    const img = src.read({ denominator: d, format: 'rgba' });
    assert.deepEqual([img.width, img.height, img.x0, img.y0, img.step], [Math.ceil(W / d), Math.ceil(H / d), 0, 0, d]);
    const gray = src.read({ denominator: d, format: 'gray' });
    for (let oy = 0; oy < img.height; oy++)
      for (let ox = 0; ox < img.width; ox++) {
        const m = [0, 1, 2, 3].map((c) => blockMean(ox, oy, d, c));
        assert.deepEqual(
          Array.from(img.data.subarray((oy * img.width + ox) * 4, (oy * img.width + ox + 1) * 4)),
          m,
          `d=${d} (${ox}, ${oy})`,
        );
        assert.equal(gray.data[oy * gray.width + ox], luma(m[0], m[1], m[2], m[3]), `gray d=${d} (${ox}, ${oy})`);
      }
  }
});

test('a region read covers the region, on the denominator grid', () => {
  const img = rgbaSource(rgba, W, H).read({ denominator: 2, format: 'gray', region: { x: 5, y: 3, w: 10, h: 9 } });
  assert.deepEqual([img.x0, img.y0, img.width, img.height], [4, 2, 6, 5]);
  assert.equal(img.data[0], luma(...([0, 1, 2, 3].map((c) => blockMean(2, 1, 2, c)) as [number, number, number, number])));
});

test('pixels that are not width x height x 4 bytes are an ImageError', () => {
  assert.throws(() => rgbaSource(rgba.subarray(4), W, H), ImageError);
});
