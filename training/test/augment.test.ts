/**
 * Each augmentation step on its own, seeded, judged by what it must do to a known image (a mirror,
 * a moved centroid, a scaled disk, a dimmer or bent tone curve, a hole), not by re-running the
 * code; the standardization in training against the one the exported ONNX graph does.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { INPUT_PIXELS, INPUT_SIZE, NORMALIZATION, STANDARDIZATION, TONE } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import * as ort from 'onnxruntime-node';
import {
  type AugmentOptions,
  augmentInto,
  augmentLuma,
  DEFAULT_AUGMENT,
  inputInto,
  LEGACY_AUGMENT,
  NO_AUGMENT,
  normalizeInto,
  quantileIndex,
  RAW_INPUT,
  standardizeLuma,
  toneLuma,
} from '../src/augment.ts';
import { FILES, loadWeights } from '../src/checkpoint.ts';
import { toTorchStateDict } from '../src/layout.ts';
import { buildOnnx } from '../src/onnx-export.ts';

const S = INPUT_SIZE;
/** Real trained weights, so the logits depend on the input as a model's do. */
const COMMITTED_RUN_BEST = fileURLToPath(new URL(`../runs/fer2013-ft2/${FILES.best}`, import.meta.url));
const image = (f: (x: number, y: number) => number) => Uint8Array.from({ length: INPUT_PIXELS }, (_, i) => f(i % S, Math.floor(i / S)));
const only = (o: Partial<AugmentOptions>): AugmentOptions => ({ ...NO_AUGMENT, ...o });
const luma = (v: number) => (v * NORMALIZATION.std + NORMALIZATION.mean) * 255;
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
const std = (a: ArrayLike<number>) => Math.sqrt(mean(Array.from(a, (v) => (v - mean(a)) ** 2)));
/** A textured test face: gradients and a few features, no symmetry. */
/** Logits of the committed run's weights in a graph built with `opts`, on n stacked inputs. */
async function graphLogits(opts: { tone?: boolean; standardize?: boolean }, x: Float32Array, n: number): Promise<Float32Array> {
  const sd = toTorchStateDict(loadWeights(COMMITTED_RUN_BEST).weights, 0);
  const session = await ort.InferenceSession.create(buildOnnx(sd, {}, opts));
  const r = (await session.run({ input: new ort.Tensor('float32', x, [n, 1, S, S]) })).logits.data as Float32Array;
  await session.release();
  return r;
}

const STANDARDIZE = { tone: false, standardize: true };

const face = image((x, y) => Math.round(40 + 3 * x + 1.5 * y + (x > 30 && y < 15 ? 60 : 0)) % 256);

function centroid(px: ArrayLike<number>): { x: number; y: number; mass: number } {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < INPUT_PIXELS; i++) {
    m += px[i];
    sx += px[i] * (i % S);
    sy += px[i] * Math.floor(i / S);
  }
  return { x: sx / m, y: sy / m, mass: m };
}

describe('augmentation, one step at a time', () => {
  it('with every step off, the input is the normalized image', () => {
    const out = new Float32Array(INPUT_PIXELS);
    augmentInto(face, out, 0, new Rng(1), NO_AUGMENT, RAW_INPUT);
    for (let i = 0; i < INPUT_PIXELS; i++) assert.ok(Math.abs(out[i] - (face[i] / 255 - 0.5) / 0.5) < 1e-6);
  });

  it('flip mirrors left to right, about half the time at the default 0.5', () => {
    const mirrored = (a: ArrayLike<number>) => Array.from({ length: INPUT_PIXELS }, (_, i) => a[i - (i % S) + S - 1 - (i % S)]);
    const always = augmentLuma(face, new Rng(2), only({ flip: 1 }));
    assert.deepEqual(Array.from(always), mirrored(face));
    assert.equal(DEFAULT_AUGMENT.flip, 0.5);
    let flips = 0;
    const rng = new Rng(3);
    for (let k = 0; k < 400; k++) if (augmentLuma(face, rng, only({ flip: DEFAULT_AUGMENT.flip }))[0] !== face[0]) flips++;
    assert.ok(flips > 160 && flips < 240, `${flips} of 400 flipped`);
  });

  it('rotation turns a horizontal edge by at most maxRotation degrees, both ways', () => {
    const edge = image((_, y) => (y < S / 2 ? 0 : 200));
    const angles: number[] = [];
    const rng = new Rng(4);
    for (let k = 0; k < 40; k++) {
      const out = augmentLuma(edge, rng, only({ maxRotation: 10 }));
      // Where the edge crosses two columns gives its slope.
      const cross = (x: number) => {
        for (let y = 1; y < S; y++)
          if (out[y * S + x] >= 100 && out[(y - 1) * S + x] < 100)
            return y - (out[y * S + x] - 100) / (out[y * S + x] - out[(y - 1) * S + x]);
        return Number.NaN;
      };
      angles.push((Math.atan2(cross(36) - cross(12), 24) * 180) / Math.PI);
    }
    assert.ok(
      angles.every((a) => Math.abs(a) <= 10.5),
      `angles ${angles.map((a) => a.toFixed(1))}`,
    );
    assert.ok(Math.min(...angles) < -3 && Math.max(...angles) > 3, 'turns both ways');
  });

  it('shift moves a spot by at most maxShift pixels on each axis, both ways', () => {
    const spot = image((x, y) => ((x - 23.5) ** 2 + (y - 23.5) ** 2 < 9 ? 255 : 0));
    const base = centroid(spot);
    const moves: { x: number; y: number }[] = [];
    const rng = new Rng(5);
    for (let k = 0; k < 40; k++) {
      const c = centroid(augmentLuma(spot, rng, only({ maxShift: 4 })));
      moves.push({ x: c.x - base.x, y: c.y - base.y });
      assert.ok(Math.abs(c.mass - base.mass) / base.mass < 1e-3, 'the spot keeps its brightness');
    }
    for (const axis of ['x', 'y'] as const) {
      const d = moves.map((m) => m[axis]);
      assert.ok(
        d.every((v) => Math.abs(v) <= 4 + 1e-6),
        `${axis}: ${d}`,
      );
      assert.ok(Math.min(...d) < -1.5 && Math.max(...d) > 1.5, `${axis} moves both ways`);
    }
  });

  it('scale grows or shrinks a disk, its area by the zoom squared, within 1/(1+s) to 1+s', () => {
    const disk = image((x, y) => ((x - 23.5) ** 2 + (y - 23.5) ** 2 < 100 ? 255 : 0));
    const area0 = centroid(disk).mass;
    const zooms: number[] = [];
    const rng = new Rng(6);
    for (let k = 0; k < 40; k++) zooms.push(Math.sqrt(centroid(augmentLuma(disk, rng, only({ maxScale: 0.2 }))).mass / area0));
    assert.ok(
      zooms.every((z) => z >= 1 / 1.2 - 0.02 && z <= 1.2 + 0.02),
      `zooms ${zooms.map((z) => z.toFixed(2))}`,
    );
    assert.ok(Math.min(...zooms) < 0.93 && Math.max(...zooms) > 1.07, 'zooms in and out');
  });

  it('a dim exposure scales luma by [minBrightness, 1] and rounds to whole grey levels', () => {
    const rng = new Rng(7);
    const factors: number[] = [];
    for (let k = 0; k < 40; k++) {
      const out = augmentLuma(face, rng, only({ dim: 1, minBrightness: 0.2 }));
      assert.ok(out.every((v) => Number.isInteger(v)));
      factors.push(mean(out) / mean(face));
    }
    assert.ok(
      factors.every((f) => f >= 0.19 && f <= 1.01),
      `${factors}`,
    );
    assert.ok(Math.min(...factors) < 0.4 && Math.max(...factors) > 0.8);
    // p = 0: never.
    assert.deepEqual(Array.from(augmentLuma(face, new Rng(8), only({ dim: 0, minBrightness: 0.2 }))), Array.from(face));
  });

  it('a gamma curve keeps black, white and the order of grey levels, and bends both ways', () => {
    const ramp = image((x, y) => Math.round(((y * S + x) / (INPUT_PIXELS - 1)) * 255));
    const rng = new Rng(9);
    const mids: number[] = [];
    for (let k = 0; k < 40; k++) {
      const out = augmentLuma(ramp, rng, only({ gamma: 1, maxGamma: 2 }));
      assert.equal(out[0], 0);
      assert.equal(out[INPUT_PIXELS - 1], 255);
      for (let i = 1; i < INPUT_PIXELS; i++) assert.ok(out[i] >= out[i - 1], 'monotone');
      mids.push(out[INPUT_PIXELS / 2]);
    }
    // 255 * 0.5^g for g in [1/2, 2]: 64-180.
    assert.ok(
      mids.every((m) => m >= 63 && m <= 181),
      `${mids}`,
    );
    assert.ok(Math.min(...mids) < 110 && Math.max(...mids) > 145);
  });

  it('cutout zeroes one square of at most cutoutSize, erasing fills one rectangle with noise', () => {
    const flat = image(() => 200);
    const v = (200 / 255 - 0.5) / 0.5;
    const out = new Float32Array(INPUT_PIXELS);
    augmentInto(flat, out, 0, new Rng(10), only({ cutout: 1, cutoutSize: 12 }), RAW_INPUT);
    const zeros = [...out.keys()].filter((i) => out[i] === 0);
    assert.ok(zeros.length > 0 && zeros.length <= 144);
    const xs = zeros.map((i) => i % S);
    const ys = zeros.map((i) => Math.floor(i / S));
    assert.equal((Math.max(...xs) - Math.min(...xs) + 1) * (Math.max(...ys) - Math.min(...ys) + 1), zeros.length, 'a rectangle');
    assert.ok(out.every((x) => x === 0 || Math.abs(x - v) < 1e-6));
    augmentInto(flat, out, 0, new Rng(11), only({ erasing: 1 }), RAW_INPUT);
    const changed = [...out.keys()].filter((i) => Math.abs(out[i] - v) > 1e-6);
    assert.ok(changed.length >= 0.02 * INPUT_PIXELS * 0.5 && changed.length <= 0.2 * INPUT_PIXELS);
    assert.ok(std(changed.map((i) => out[i])) > 0.5, 'N(0,1) noise');
  });

  it('committed runs resume with their recipe: LEGACY_AUGMENT draws as before (flip, angle, cutout, erasing)', () => {
    const a = new Rng(12);
    augmentLuma(face, a, LEGACY_AUGMENT);
    const b = new Rng(12);
    b.next();
    b.uniform(-10, 10);
    assert.equal(a.next(), b.next());
  });
});

describe('per-image standardization', () => {
  it("gives every image the training set's mean and contrast, whatever its exposure", () => {
    const out = new Float32Array(INPUT_PIXELS);
    const bright = new Float32Array(INPUT_PIXELS);
    const dark = image((x, y) => Math.round(face[y * S + x] * 0.3));
    inputInto(face, bright, 0, STANDARDIZE);
    inputInto(dark, out, 0, STANDARDIZE);
    const lb = Array.from(bright, luma);
    assert.ok(Math.abs(mean(lb) - STANDARDIZATION.mean) < 1e-3);
    assert.ok(Math.abs(std(lb) - STANDARDIZATION.std) < 1e-3);
    // The 30% copy differs only by its rounding to whole grey levels.
    const diff = Math.max(...Array.from(out, (v, i) => Math.abs(luma(v) - lb[i])));
    assert.ok(diff < 0.5 / 0.3 / (std(face) / STANDARDIZATION.std) + 1, `max diff ${diff} grey levels`);
    // Off: the plain normalization.
    normalizeInto(face, out, 0);
    for (let i = 0; i < INPUT_PIXELS; i++) assert.ok(Math.abs(luma(out[i]) - face[i]) < 1e-3);
  });

  it('keeps a flat crop flat (the minStd floor)', () => {
    const px = standardizeLuma(Float32Array.from({ length: INPUT_PIXELS }, (_, i) => 100 + (i % 2)));
    assert.ok(std(px) <= 0.5 * (STANDARDIZATION.std / STANDARDIZATION.minStd) + 1e-3, `std ${std(px)}`); // not 74.65
    assert.ok(Math.abs(mean(px) - STANDARDIZATION.mean) < 1e-3);
  });

  it('the exported graph standardizes as training does: ONNX(standardize) of x = ONNX(plain) of the standardized x', async () => {
    const run = (standardize: boolean, x: Float32Array, n: number) => graphLogits({ standardize }, x, n);
    const rng = new Rng(13);
    const images = [
      face,
      image((x, y) => Math.round(face[y * S + x] * 0.25)),
      image(() => 90),
      image(() => Math.floor(rng.uniform(0, 256))),
    ];
    const raw = new Float32Array(images.length * INPUT_PIXELS);
    const standardized = new Float32Array(images.length * INPUT_PIXELS);
    images.forEach((img, i) => {
      normalizeInto(img, raw, i * INPUT_PIXELS);
      normalizeInto(img, standardized, i * INPUT_PIXELS, STANDARDIZE);
    });
    const got = await run(true, raw, images.length);
    const want = await run(false, standardized, images.length);
    const plain = await run(false, raw, images.length);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    assert.ok(maxDiff < 1e-4, `max abs logit diff ${maxDiff}`);
    assert.ok(Math.max(...Array.from(plain, (v, i) => Math.abs(v - got[i]))) > 1e-3, 'the standardization changes the logits');
  });
});

describe('tone normalization (TONE, the graph with --tone)', () => {
  const toned = (img: ArrayLike<number>) => toneLuma(Float32Array.from(img));
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

  it("brings the white point and the median to FER2013 train's", () => {
    const px = toned(face);
    const sorted = Float32Array.from(px).sort();
    const at = (q: number) => sorted[Math.floor(q * INPUT_PIXELS)];
    assert.ok(Math.abs(at(TONE.whiteQuantile) - TONE.whitePoint) < 1e-3, `white point ${at(TONE.whiteQuantile)}`);
    assert.ok(Math.abs(at(0.5) / at(TONE.whiteQuantile) - TONE.midRatio) < 1e-3, `median ratio ${at(0.5) / at(TONE.whiteQuantile)}`);
  });

  it('a face dimmed or under a gamma curve is toned as it was (up to rounding and the 255 clip)', () => {
    const smooth = image((x, y) => 30 + 2 * x + 2 * y); // no values past its white point to clip
    const base = toned(smooth);
    for (const light of [
      { brightness: 0.3, gamma: 1 },
      { brightness: 1, gamma: 2 },
      { brightness: 0.5, gamma: 0.7 },
    ]) {
      const lit = Float32Array.from(smooth, (v) => 255 * ((v * light.brightness) / 255) ** light.gamma); // not rounded
      const d = maxDiff(toned(lit), base);
      assert.ok(d < 0.05, `${JSON.stringify(light)}: max luma diff ${d}`);
    }
    // Without it, the same light moves the crop by tens of grey levels.
    assert.ok(
      maxDiff(
        Float32Array.from(smooth, (v) => v * 0.3),
        smooth,
      ) > 50,
    );
  });

  it('picks the quantiles a sort would (crops with ties, floats, and a single grey)', () => {
    const rng = new Rng(21);
    const bySort = (img: Float32Array) => {
      const sorted = Float32Array.from(img).sort();
      const at = (q: number) => sorted[quantileIndex(sorted.length, q)];
      const w = Math.max(1, at(TONE.whiteQuantile));
      const m = Math.min(TONE.maxMid, Math.max(TONE.minMid, at(0.5) / w));
      const g = Math.min(TONE.maxGamma, Math.max(TONE.minGamma, Math.log(TONE.midRatio) / Math.log(m)));
      return img.map((p) => Math.min(255, TONE.whitePoint * (p / w) ** g));
    };
    for (let k = 0; k < 200; k++) {
      const levels = [2, 16, 256][k % 3];
      const img = Float32Array.from({ length: INPUT_PIXELS }, () =>
        k % 4 === 3 ? rng.uniform(0, 255) : Math.floor(rng.uniform(0, levels)) * (255 / Math.max(1, levels - 1)),
      );
      assert.deepEqual(toned(img), bySort(img), `crop ${k}`);
    }
  });

  it('keeps a black crop black and a flat crop flat', () => {
    assert.ok(toned(new Float32Array(INPUT_PIXELS)).every((v) => v === 0));
    const flat = toned(new Float32Array(INPUT_PIXELS).fill(90));
    assert.ok(flat.every((v) => v === flat[0]));
  });

  it('a run with --tone feeds its network the toned image: a dim exposure reaches it as daylight did', () => {
    const smooth = image((x, y) => 30 + 2 * x + 2 * y);
    const dimmed = only({ dim: 1, minBrightness: 0.3 });
    const inputs = (steps: { tone: boolean; standardize: boolean }, o: AugmentOptions) => {
      const out = new Float32Array(INPUT_PIXELS);
      augmentInto(smooth, out, 0, new Rng(5), o, steps);
      return Array.from(out, luma);
    };
    const tone = { tone: true, standardize: false };
    assert.ok(maxDiff(inputs(tone, NO_AUGMENT), toned(smooth)) < 1e-3, 'the toned image, normalized');
    const meanDiff = (a: number[], b: number[]) => mean(a.map((v, i) => Math.abs(v - b[i])));
    // Up to the camera's rounding to whole grey levels, magnified by the brightening.
    const withTone = meanDiff(inputs(tone, dimmed), inputs(tone, NO_AUGMENT));
    assert.ok(withTone < 1.5, `toned: mean luma diff ${withTone}`);
    const without = meanDiff(inputs(RAW_INPUT, dimmed), inputs(RAW_INPUT, NO_AUGMENT));
    assert.ok(without > 10, `raw: mean luma diff ${without}`);
  });

  it('the exported graph tones as training does: ONNX(tone) of x = ONNX(plain) of the toned x, with and without standardization', async () => {
    const rng = new Rng(17);
    const images = [
      face,
      image((x, y) => Math.round(face[y * S + x] * 0.3)),
      image((x, y) => Math.round(255 * (face[y * S + x] / 255) ** 2)),
      image(() => 90),
      new Uint8Array(INPUT_PIXELS),
      image(() => Math.floor(rng.uniform(0, 256))),
    ];
    const raw = new Float32Array(images.length * INPUT_PIXELS);
    images.forEach((img, i) => normalizeInto(img, raw, i * INPUT_PIXELS));
    for (const standardize of [false, true]) {
      const tonedInputs = new Float32Array(images.length * INPUT_PIXELS);
      images.forEach((img, i) => inputInto(img, tonedInputs, i * INPUT_PIXELS, { tone: true, standardize }));
      // The inputs toned (and standardized) as a run with --tone feeds them, through a graph that does neither.
      const want = await graphLogits({ tone: false, standardize: false }, tonedInputs, images.length);
      const got = await graphLogits({ tone: true, standardize }, raw, images.length);
      const plain = await graphLogits({ tone: false, standardize }, raw, images.length);
      const d = maxDiff(got, want);
      assert.ok(d < 1e-3, `standardize ${standardize}: max abs logit diff ${d}`);
      assert.ok(maxDiff(plain, got) > 1e-3, 'the tone normalization changes the logits');
    }
  });
});
