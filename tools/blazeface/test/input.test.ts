/** Colour decoding on decodeGray's path, and the detector input's letterbox and scaling. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGray, decodeRgba } from '@emotion/core/decode';
import { DETECTOR_SIZE, prepareDetectorInput } from '@emotion/core/faces';
import { orient, rgbaToGray } from '@emotion/core/pixels';
import jpeg from 'jpeg-js';
import { groupPhotos, labelledPhotos, tightCrops } from '../src/photos.ts';
import { photosSkip } from './shared-data.ts';

/** A JPEG with an EXIF APP1 segment holding only the orientation tag. */
function jpegWithOrientation(orientation: number): Uint8Array {
  const width = 24;
  const height = 16;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x * 10, y * 15, x < 6 && y < 4 ? 255 : 0, 255], (y * width + x) * 4);
  const plain = new Uint8Array(jpeg.encode({ data, width, height }, 95).data);
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const payload = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  return new Uint8Array([...plain.subarray(0, 2), ...app1, ...plain.subarray(2)]);
}

const grayOf = (img: { width: number; height: number; data: Uint8Array }) => rgbaToGray(img.data, img.width, img.height);
const plane = (data: Float32Array, c: number) => data.subarray(c * DETECTOR_SIZE ** 2, (c + 1) * DETECTOR_SIZE ** 2);
const at = (data: Float32Array, c: number, x: number, y: number) => plane(data, c)[y * DETECTOR_SIZE + x];

describe('decodeRgba', () => {
  it('applies every EXIF orientation as decodeGray does', () => {
    for (let o = 1; o <= 8; o++) {
      const bytes = jpegWithOrientation(o);
      const rgba = decodeRgba(bytes);
      const gray = decodeGray(bytes);
      assert.equal(rgba.data.length, rgba.width * rgba.height * 4);
      assert.deepEqual([rgba.width, rgba.height], o >= 5 ? [16, 24] : [24, 16], `orientation ${o}`);
      assert.deepEqual(rgbaToGray(rgba.data, rgba.width, rgba.height), gray, `orientation ${o}`);
    }
  });

  it('orient moves RGBA pixels whole (4 bytes together)', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    assert.deepEqual([...orient(img, 2).data], [5, 6, 7, 8, 1, 2, 3, 4]);
    assert.deepEqual(orient(img, 6), { width: 1, height: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
  });

  it('gives the same gray image as decodeGray on every test photo', { skip: photosSkip() }, () => {
    for (const p of [...groupPhotos(), ...labelledPhotos(), ...tightCrops()]) {
      assert.deepEqual(grayOf(decodeRgba(p.bytes)), decodeGray(p.bytes), p.name);
    }
  });
});

describe('prepareDetectorInput', () => {
  const solid = (width: number, height: number, rgba: number[]) => ({
    width,
    height,
    data: new Uint8Array(width * height * 4).map((_, i) => rgba[i % 4]),
  });

  it('letterboxes a wide image: centred, black bars above and below, R, G, B planes in [-1, 1]', () => {
    const { data, transform } = prepareDetectorInput(solid(200, 100, [255, 0, 51, 255]));
    assert.equal(data.length, 3 * 256 * 256);
    assert.deepEqual(transform, { scaleX: 200 / 256, scaleY: 200 / 256, offsetX: 0, offsetY: -50, width: 200, height: 100 });
    for (const y of [0, 63, 192, 255]) for (let c = 0; c < 3; c++) assert.equal(at(data, c, 100, y), -1, `bar row ${y}`);
    for (const y of [64, 128, 191]) {
      for (const x of [0, 128, 255]) {
        assert.ok(Math.abs(at(data, 0, x, y) - 1) < 1e-6);
        assert.ok(Math.abs(at(data, 1, x, y) + 1) < 1e-6);
        assert.ok(Math.abs(at(data, 2, x, y) - (51 / 127.5 - 1)) < 1e-6);
      }
    }
  });

  it('letterboxes a tall image with bars left and right, and stretches when asked', () => {
    const tall = solid(50, 100, [255, 255, 255, 255]);
    const { data, transform } = prepareDetectorInput(tall);
    assert.equal(transform.offsetX, -25);
    assert.equal(at(data, 0, 10, 128), -1);
    assert.ok(Math.abs(at(data, 0, 128, 128) - 1) < 1e-6);
    const stretched = prepareDetectorInput(tall, 'stretch');
    assert.deepEqual(stretched.transform, { scaleX: 50 / 256, scaleY: 100 / 256, offsetX: 0, offsetY: 0, width: 50, height: 100 });
    assert.ok(Math.abs(at(stretched.data, 0, 10, 128) - 1) < 1e-6);
  });

  it('composites alpha over white, as the classifier does', () => {
    const { data } = prepareDetectorInput(solid(8, 8, [0, 0, 0, 0]));
    assert.ok(Math.abs(at(data, 1, 128, 128) - 1) < 1e-6);
  });

  it('repeats a grayscale image into the three planes', () => {
    const gray = { width: 64, height: 64, data: new Uint8Array(64 * 64).map((_, i) => i % 251) };
    const rgba = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).map((_, i) => (i % 4 === 3 ? 255 : gray.data[i >> 2])) };
    const a = prepareDetectorInput(gray).data;
    const b = prepareDetectorInput(rgba).data;
    assert.deepEqual(plane(a, 0), plane(a, 2));
    assert.deepEqual(a, b);
  });

  it('averages areas when shrinking, so a fine pattern becomes its mean grey, not aliasing', () => {
    const w = 1024;
    const stripes = { width: w, height: w, data: new Uint8Array(w * w).map((_, i) => (i % 2 ? 255 : 0)) };
    const { data } = prepareDetectorInput(stripes);
    for (let i = 0; i < data.length; i += 997) assert.ok(Math.abs(data[i]) < 1e-3, `value ${data[i]}`);
  });

  it('handles tiny and extreme shapes: values stay finite and within [-1, 1]', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 300],
      [2000, 3],
      [257, 255],
    ]) {
      const img = { width: w, height: h, data: new Uint8Array(w * h * 4).map((_, i) => (i * 37) % 256) };
      const { data, transform } = prepareDetectorInput(img);
      assert.ok(
        data.every((v) => Number.isFinite(v) && v >= -1 - 1e-6 && v <= 1 + 1e-6),
        `${w}x${h}`,
      );
      assert.equal(transform.scaleX, Math.max(w, h) / 256);
    }
  });

  it('rejects pixel data that is neither gray nor RGBA', () => {
    assert.throws(() => prepareDetectorInput({ width: 4, height: 4, data: new Uint8Array(48) }), /1 or 4 bytes/);
  });
});
