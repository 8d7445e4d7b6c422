/** core/src/faces/align.ts: the FER2013-matched aligned crop and its transform. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALIGN_EYE_CENTRE,
  ALIGN_EYE_MOUTH,
  ALIGN_ZOOM,
  type AlignKeypoints,
  alignedCrop,
  alignedSourceBox,
  alignmentTransform,
  alignSourcePoint,
  DEFAULT_ALIGN_FRAMING,
  FER2013_FRAMING,
  zoomFraming,
} from '../src/faces/index.ts';
import { cropResize, type GrayImage } from '../src/pixels.ts';

const N = 48;

/** The eyes and mouth of a face whose aligned frame maps to source by rotation `deg`, scale `k`, frame origin at (x0, y0). */
function keypointsFor(deg: number, k: number, x0: number, y0: number, half = 8): AlignKeypoints {
  const th = (deg * Math.PI) / 180;
  const c = Math.cos(th) * k;
  const s = Math.sin(th) * k;
  const map = (u: number, v: number) => ({ x: c * u - s * v + x0, y: s * u + c * v + y0 });
  const { x: ex, y: ey } = DEFAULT_ALIGN_FRAMING.eyeCentre;
  const m = DEFAULT_ALIGN_FRAMING.eyeMouth;
  return { right_eye: map(ex - half, ey), left_eye: map(ex + half, ey), mouth: map(ex, ey + m) };
}

/** A source image holding pattern g of the output frame, drawn through rotation `deg`, scale `k`, origin (x0, y0). */
function render(W: number, H: number, g: (u: number, v: number) => number, deg: number, k: number, x0: number, y0: number): GrayImage {
  const th = (deg * Math.PI) / 180;
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Inverse similarity at the pixel centre.
      const dx = x + 0.5 - x0;
      const dy = y + 0.5 - y0;
      const u = (Math.cos(th) * dx + Math.sin(th) * dy) / k;
      const v = (-Math.sin(th) * dx + Math.cos(th) * dy) / k;
      data[y * W + x] = Math.max(0, Math.min(255, Math.round(g(u, v))));
    }
  return { width: W, height: H, data };
}

const pattern = (u: number, v: number) => 128 + 60 * Math.sin((2 * Math.PI * u) / 16) + 50 * Math.cos((2 * Math.PI * v) / 12);

function meanAbs(a: Float32Array, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** A smooth pseudo-random image (sum of a few waves), so that resampling filters agree closely. */
function smoothImage(W: number, H: number): GrayImage {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      data[y * W + x] = Math.round(128 + 50 * Math.sin(x / 9 + 1) * Math.cos(y / 13) + 40 * Math.sin((x + 2 * y) / 17));
  return { width: W, height: H, data };
}

function noiseImage(W: number, H: number, seed = 1): GrayImage {
  let s = seed;
  const data = new Uint8Array(W * H);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width: W, height: H, data };
}

describe('alignmentTransform', () => {
  it('maps the eye centre and the mouth onto the framing targets, eyes level', () => {
    const kp = keypointsFor(25, 3.5, 100, 60);
    const t = alignmentTransform(kp);
    assert.ok(Math.abs(t.scale - 3.5) < 1e-9);
    assert.ok(Math.abs((t.angle * 180) / Math.PI - 25) < 1e-9);
    const { eyeCentre, eyeMouth } = DEFAULT_ALIGN_FRAMING;
    const e = alignSourcePoint(t, eyeCentre.x, eyeCentre.y);
    const { right_eye: re, left_eye: le, mouth } = kp;
    assert.ok(Math.abs(e.x - (re.x + le.x) / 2) < 1e-9 && Math.abs(e.y - (re.y + le.y) / 2) < 1e-9);
    const m = alignSourcePoint(t, eyeCentre.x, eyeCentre.y + eyeMouth);
    assert.ok(Math.hypot(m.x - mouth.x, m.y - mouth.y) < 1e-9);
  });

  it('zoomFraming(1.1) makes the face 10% larger in the frame about its centre; the default is the FER2013 fit zoomed by ALIGN_ZOOM', () => {
    const z = zoomFraming(1.1);
    assert.ok(Math.abs(z.eyeMouth - ALIGN_EYE_MOUTH * 1.1) < 1e-12);
    assert.ok(Math.abs(z.eyeCentre.y - (24 + (ALIGN_EYE_CENTRE.y - 24) * 1.1)) < 1e-12);
    assert.deepEqual(zoomFraming(1), FER2013_FRAMING);
    assert.deepEqual(zoomFraming(ALIGN_ZOOM), DEFAULT_ALIGN_FRAMING);
    const kp = keypointsFor(0, 4, 0, 0);
    assert.ok(Math.abs(alignmentTransform(kp, zoomFraming(1.1, 0, 0, DEFAULT_ALIGN_FRAMING)).scale - 4 / 1.1) < 1e-9);
  });

  it('reads the eyes and mouth by name, whatever else a detector answers', () => {
    const kp = keypointsFor(10, 2, 30, 40);
    const face = { ...kp, nose_tip: { x: -1e6, y: 7 }, right_ear: { x: 0, y: 0 }, left_ear: { x: Number.NaN, y: 1 } };
    assert.deepEqual(alignmentTransform(face), alignmentTransform(kp));
  });
});

describe('alignedCrop', () => {
  for (const deg of [-30, -12, 17, 40]) {
    it(`a face rotated by ${deg} degrees comes out level (shrinking 3.3x, area sampling)`, () => {
      const k = 3.3;
      const img = render(420, 420, pattern, deg, k, 160, 90);
      const out = alignedCrop(img, alignmentTransform(keypointsFor(deg, k, 160, 90)));
      const expected = Float32Array.from({ length: N * N }, (_, i) => pattern((i % N) + 0.5, Math.floor(i / N) + 0.5));
      const err = meanAbs(out, expected);
      assert.ok(err < 2.5, `mean abs error ${err.toFixed(2)} against the upright pattern`);
      // Not rotating would be far off: the same crop with the angle dropped.
      const t = alignmentTransform(keypointsFor(deg, k, 160, 90));
      const unrotated = alignedCrop(img, { ...t, a: t.scale, b: 0 });
      assert.ok(meanAbs(unrotated, expected) > 10, 'the test pattern detects a missing rotation');
    });
  }

  it('enlarging (0.6x) is bilinear and also level', () => {
    const img = render(60, 60, pattern, 20, 0.6, 15, 5);
    const out = alignedCrop(img, alignmentTransform(keypointsFor(20, 0.6, 15, 5)));
    const expected = Float32Array.from({ length: N * N }, (_, i) => pattern((i % N) + 0.5, Math.floor(i / N) + 0.5));
    // Bilinear from a 0.6x source blurs the waves a little; parts of the frame fall outside (edge repeated).
    let err = 0;
    let n = 0;
    const t = alignmentTransform(keypointsFor(20, 0.6, 15, 5));
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const p = alignSourcePoint(t, i + 0.5, j + 0.5);
        if (p.x < 1 || p.y < 1 || p.x > 59 || p.y > 59) continue;
        err += Math.abs(out[j * N + i] - expected[j * N + i]);
        n++;
      }
    assert.ok(n > 1000 && err / n < 4, `mean abs error ${(err / n).toFixed(2)} over ${n} pixels`);
  });

  it('upright at an integer scale it is exactly cropResize of the same square (area averaging)', () => {
    const img = noiseImage(300, 260);
    for (const k of [1, 2, 3, 5]) {
      const t = alignmentTransform(keypointsFor(0, k, 20, 11));
      assert.ok(Math.abs(t.tx - 20) < 1e-9 && Math.abs(t.ty - 11) < 1e-9);
      const ref = cropResize(img, { x: 20, y: 11, w: N * k, h: N * k });
      const out = alignedCrop(img, t);
      let max = 0;
      for (let i = 0; i < out.length; i++) max = Math.max(max, Math.abs(out[i] - ref[i]));
      assert.ok(max < 1e-3, `scale ${k}: largest difference ${max}`);
    }
  });

  it('upright at a fractional scale it is close to cropResize, shrinking and enlarging', () => {
    const img = smoothImage(300, 260);
    for (const k of [0.5, 0.75, 1.6, 2.5, 4.3]) {
      const x0 = 13.25;
      const y0 = 7.5;
      const t = alignmentTransform(keypointsFor(0, k, x0, y0));
      const ref = cropResize(img, { x: x0, y: y0, w: N * k, h: N * k });
      const err = meanAbs(alignedCrop(img, t), ref);
      assert.ok(err < (k < 1 ? 0.05 : 1.0), `scale ${k}: mean abs difference ${err.toFixed(3)}`);
    }
  });

  it('pixels outside the image repeat its edge', () => {
    // 20x20: left column 50, right column 250, top/bottom rows 100/200 inside, 150 in the middle.
    const W = 20;
    const data = new Uint8Array(W * W).fill(150);
    for (let y = 0; y < W; y++) {
      data[y * W] = 50;
      data[y * W + W - 1] = 250;
    }
    const img = { width: W, height: W, data };
    // Frame origin at (-40, 2), 2 source px per output px: output columns 0..19 read x < 0.
    const t = alignmentTransform(keypointsFor(0, 2, -40, 2));
    const out = alignedCrop(img, t);
    for (let j = 0; j < 8; j++) {
      for (let i = 0; i < 19; i++) assert.equal(out[j * N + i], 50, `(${i}, ${j}) left of the image`);
      for (let i = 31; i < N; i++) assert.equal(out[j * N + i], 250, `(${i}, ${j}) right of the image`);
    }
    // Rotated far past the bottom-right corner: the corner pixel.
    data[W * W - 1] = 7;
    const far = alignedCrop(img, alignmentTransform(keypointsFor(33, 1.5, 60, 60)));
    assert.ok(far.every((p) => p === 7));
  });

  it('a region decoded on its own (and at half scale) gives the same crop as the whole image', () => {
    const img = smoothImage(400, 360);
    const t = alignmentTransform(keypointsFor(-15, 4, 120, 70));
    const box = alignedSourceBox(t, img)!;
    assert.ok(box.w < img.width && box.h < img.height);
    const region: GrayImage = { width: box.w, height: box.h, data: new Uint8Array(box.w * box.h) };
    for (let y = 0; y < box.h; y++)
      region.data.set(img.data.subarray((box.y + y) * img.width + box.x, (box.y + y) * img.width + box.x + box.w), y * box.w);
    const full = alignedCrop(img, t);
    const part = alignedCrop(region, t, { x: box.x, y: box.y, scale: 1 });
    assert.ok(meanAbs(part, full) === 0, 'the box holds every pixel the crop reads');
    // Half scale: 2x2 means of the region (what a 1/2 DCT decode approximates).
    const hw = Math.floor(box.w / 2);
    const hh = Math.floor(box.h / 2);
    const half: GrayImage = { width: hw, height: hh, data: new Uint8Array(hw * hh) };
    for (let y = 0; y < hh; y++)
      for (let x = 0; x < hw; x++) {
        const r = region.data;
        const i = 2 * y * box.w + 2 * x;
        half.data[y * hw + x] = Math.round((r[i] + r[i + 1] + r[i + box.w] + r[i + box.w + 1]) / 4);
      }
    const err = meanAbs(alignedCrop(half, t, { x: box.x, y: box.y, scale: 2 }), full);
    assert.ok(err < 1.0, `half-scale region: mean abs difference ${err.toFixed(3)}`);
  });

  it('alignedSourceBox covers every output corner and is clipped to the image', () => {
    const t = alignmentTransform(keypointsFor(30, 3, 50, -20));
    const box = alignedSourceBox(t)!;
    for (const [u, v] of [
      [0, 0],
      [N, 0],
      [0, N],
      [N, N],
    ]) {
      const p = alignSourcePoint(t, u, v);
      assert.ok(p.x >= box.x && p.x <= box.x + box.w && p.y >= box.y && p.y <= box.y + box.h);
    }
    const clipped = alignedSourceBox(t, { width: 100, height: 90 })!;
    assert.ok(clipped.x >= 0 && clipped.y === 0 && clipped.x + clipped.w <= 100 && clipped.y + clipped.h <= 90);
    assert.equal(alignedSourceBox(alignmentTransform(keypointsFor(0, 1, 500, 500)), { width: 100, height: 90 }), null);
  });
});
