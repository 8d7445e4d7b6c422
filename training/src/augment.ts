/**
 * Training augmentation as the reference recipe (../shared/MODEL.md, notes/reference-training.md):
 * horizontal flip (p 0.5), rotation in +-10 degrees (bilinear, border pixels repeated),
 * normalization, cutout of a 12x12 square set to 0 (p 0.5), random erasing (p 0.5, 2-20% of the
 * area, aspect 0.3-3.3, N(0,1) noise). Validation images are only normalized.
 */
import { INPUT_PIXELS, INPUT_SIZE, NORMALIZATION } from '@emotion/core/classes';
import type { Rng } from '@emotion/core/rng';

export interface AugmentOptions {
  flip: number;
  maxRotation: number;
  cutout: number;
  cutoutSize: number;
  erasing: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { flip: 0.5, maxRotation: 10, cutout: 0.5, cutoutSize: 12, erasing: 0.5 };

const norm = (v: number) => (v / 255 - NORMALIZATION.mean) / NORMALIZATION.std;

/** Normalizes one 48x48 luma image into out[offset..]. */
export function normalizeInto(src: Uint8Array, out: Float32Array, offset: number): void {
  for (let i = 0; i < INPUT_PIXELS; i++) out[offset + i] = norm(src[i]);
}

export function augmentInto(src: Uint8Array, out: Float32Array, offset: number, rng: Rng, o: AugmentOptions = DEFAULT_AUGMENT): void {
  const flip = rng.next() < o.flip;
  const angle = (rng.uniform(-o.maxRotation, o.maxRotation) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const c = (INPUT_SIZE - 1) / 2;
  for (let y = 0; y < INPUT_SIZE; y++) {
    for (let x = 0; x < INPUT_SIZE; x++) {
      // Inverse-rotate the output pixel into the (possibly flipped) source.
      const dx = x - c;
      const dy = y - c;
      let sx = cos * dx + sin * dy + c;
      const sy = -sin * dx + cos * dy + c;
      if (flip) sx = INPUT_SIZE - 1 - sx;
      const cx = Math.min(INPUT_SIZE - 1, Math.max(0, sx));
      const cy = Math.min(INPUT_SIZE - 1, Math.max(0, sy));
      const x0 = Math.min(INPUT_SIZE - 2, Math.floor(cx));
      const y0 = Math.min(INPUT_SIZE - 2, Math.floor(cy));
      const fx = cx - x0;
      const fy = cy - y0;
      const i = y0 * INPUT_SIZE + x0;
      const v = (src[i] * (1 - fx) + src[i + 1] * fx) * (1 - fy) + (src[i + INPUT_SIZE] * (1 - fx) + src[i + INPUT_SIZE + 1] * fx) * fy;
      out[offset + y * INPUT_SIZE + x] = norm(v);
    }
  }
  if (rng.next() < o.cutout) {
    const cy = rng.int(INPUT_SIZE);
    const cx = rng.int(INPUT_SIZE);
    const h = o.cutoutSize / 2;
    fillRect(out, offset, Math.max(0, cx - h), Math.max(0, cy - h), Math.min(INPUT_SIZE, cx + h), Math.min(INPUT_SIZE, cy + h), () => 0);
  }
  if (rng.next() < o.erasing) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = rng.uniform(0.02, 0.2) * INPUT_SIZE * INPUT_SIZE;
      const aspect = Math.exp(rng.uniform(Math.log(0.3), Math.log(3.3)));
      const h = Math.round(Math.sqrt(area * aspect));
      const w = Math.round(Math.sqrt(area / aspect));
      if (h >= INPUT_SIZE || w >= INPUT_SIZE || h < 1 || w < 1) continue;
      const y = rng.int(INPUT_SIZE - h + 1);
      const x = rng.int(INPUT_SIZE - w + 1);
      fillRect(out, offset, x, y, x + w, y + h, () => rng.normal());
      break;
    }
  }
}

function fillRect(out: Float32Array, offset: number, x0: number, y0: number, x1: number, y1: number, value: () => number): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[offset + y * INPUT_SIZE + x] = value();
}
