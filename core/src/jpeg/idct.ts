/**
 * Scaled inverse DCTs: an 8x8 block of coefficients to n x n samples, n = 8, 4, 2 or 1 (the
 * output scales 1, 1/2, 1/4, 1/8), each sample the exact mean of the (8/n)^2 pixels it covers.
 * The inverse DCT is linear, so the mean of a group of its outputs is the same sum of
 * coefficients with the group's basis functions averaged: a separable n x 8 matrix per axis,
 * cheaper than the full inverse and then averaging. At n = 1 only the DC term is left, F(0,0)/8.
 * (libjpeg's reduced IDCTs instead invert only the n x n lowest frequencies: cheaper still, but a
 * low-pass with ringing, not the area average the rest of our preprocessing computes.)
 * Float arithmetic, rounded once at the end.
 */

import { ZIGZAG } from './frame.ts';

export type IdctSize = 1 | 2 | 4 | 8;

/** basis[n][x * 8 + u]: the weight of coefficient u in output sample x (the mean over its pixels). */
const BASIS: Record<IdctSize, Float64Array> = { 1: basis(1), 2: basis(2), 4: basis(4), 8: basis(8) };

function basis(n: number): Float64Array {
  const m = new Float64Array(n * 8);
  const group = 8 / n;
  for (let x = 0; x < n; x++) {
    for (let u = 0; u < 8; u++) {
      const alpha = u === 0 ? Math.sqrt(1 / 8) : Math.sqrt(2 / 8);
      let s = 0;
      for (let i = x * group; i < (x + 1) * group; i++) s += alpha * Math.cos(((2 * i + 1) * u * Math.PI) / 16);
      m[x * 8 + u] = s / group;
    }
  }
  return m;
}

/**
 * outer[n][(v * 8 + u) * n * n + y * n + x] = basis[n][y][v] * basis[n][x][u]: what coefficient
 * (v, u) adds to sample (y, x). Most blocks have a few nonzero coefficients: summing their
 * contributions costs n*n multiplications each, far fewer than the separable transform.
 */
const OUTER: Record<IdctSize, Float64Array> = { 1: outer(1), 2: outer(2), 4: outer(4), 8: outer(8) };

function outer(n: IdctSize): Float64Array {
  const m = BASIS[n];
  const o = new Float64Array(64 * n * n);
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++)
      for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) o[(v * 8 + u) * n * n + y * n + x] = m[y * 8 + v] * m[x * 8 + u];
  return o;
}

const tmp = new Float64Array(64);
const deq = new Float64Array(8);
const acc = new Float64Array(64);

/**
 * Dequantizes the block at coef[off..off+64) (natural order) with `quant` (natural order) and
 * writes its n x n samples, level-shifted and clamped to 0-255, to out[outOff + y * stride + x].
 * `last` is the block's last nonzero coefficient in zigzag order, as the entropy decoder saw it.
 */
export function idctBlock(
  coef: Int16Array,
  off: number,
  last: number,
  quant: Uint16Array,
  n: IdctSize,
  out: Uint8Array,
  outOff: number,
  stride: number,
): void {
  if (n === 1) {
    const v = Math.round((coef[off] * quant[0]) / 8 + 128);
    out[outOff] = v < 0 ? 0 : v > 255 ? 255 : v;
    return;
  }
  // Sparse blocks (the usual case): the sum of each nonzero coefficient's contribution.
  if (last * n <= 96) {
    const nn = n * n;
    const o = OUTER[n];
    acc.fill(128, 0, nn);
    for (let i = 0; i <= last; i++) {
      const k = ZIGZAG[i];
      const q = coef[off + k];
      if (q === 0) continue;
      const c = q * quant[k];
      const base = k * nn;
      for (let j = 0; j < nn; j++) acc[j] += o[base + j] * c;
    }
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const p = (acc[y * n + x] + 0.5) | 0;
        out[outOff + y * stride + x] = p < 0 ? 0 : p > 255 ? 255 : p;
      }
    }
    return;
  }
  denseBlock(coef, off, quant, n, out, outOff, stride);
}

/** AAN's scale factors: the float IDCT below takes coefficients pre-multiplied by them (libjpeg's jidctflt.c). */
const AAN = Float64Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : Math.cos((k * Math.PI) / 16) * Math.SQRT2));
const aanQuant = new WeakMap<Uint16Array, Float64Array>();
const ws = new Float64Array(64);

let lastQuant: Uint16Array | null = null;
let lastPrescaled: Float64Array = new Float64Array(64);

function prescaled(quant: Uint16Array): Float64Array {
  // Blocks come a component (so a table) at a time: skip the map lookup for a run of them.
  if (quant === lastQuant) return lastPrescaled;
  let t = aanQuant.get(quant);
  if (!t) {
    t = new Float64Array(64);
    for (let k = 0; k < 64; k++) t[k] = (quant[k] * AAN[k >> 3] * AAN[k & 7]) / 8;
    aanQuant.set(quant, t);
  }
  lastQuant = quant;
  lastPrescaled = t;
  return t;
}

/**
 * A dense block: the full 8x8 inverse by Arai, Agui and Nakajima's factorization (5 multiplies
 * per 8 points; libjpeg's jidctflt.c), then the mean of each (8/n)^2 group of samples.
 */
function denseBlock(coef: Int16Array, off: number, quant: Uint16Array, n: IdctSize, out: Uint8Array, outOff: number, stride: number): void {
  const q = prescaled(quant);
  // Columns.
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (
      coef[i + 8] === 0 &&
      coef[i + 16] === 0 &&
      coef[i + 24] === 0 &&
      coef[i + 32] === 0 &&
      coef[i + 40] === 0 &&
      coef[i + 48] === 0 &&
      coef[i + 56] === 0
    ) {
      const dc = coef[i] * q[c];
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let t0 = coef[i] * q[c];
    let t1 = coef[i + 16] * q[16 + c];
    let t2 = coef[i + 32] * q[32 + c];
    let t3 = coef[i + 48] * q[48 + c];
    let t10 = t0 + t2;
    let t11 = t0 - t2;
    const t13 = t1 + t3;
    let t12 = (t1 - t3) * 1.414213562 - t13;
    t0 = t10 + t13;
    t3 = t10 - t13;
    t1 = t11 + t12;
    t2 = t11 - t12;
    let t4 = coef[i + 8] * q[8 + c];
    let t5 = coef[i + 24] * q[24 + c];
    let t6 = coef[i + 40] * q[40 + c];
    let t7 = coef[i + 56] * q[56 + c];
    const z13 = t6 + t5;
    const z10 = t6 - t5;
    const z11 = t4 + t7;
    const z12 = t4 - t7;
    t7 = z11 + z13;
    t11 = (z11 - z13) * 1.414213562;
    const z5 = (z10 + z12) * 1.847759065;
    t10 = 1.0823922 * z12 - z5;
    t12 = -2.61312593 * z10 + z5;
    t6 = t12 - t7;
    t5 = t11 - t6;
    t4 = t10 + t5;
    ws[c] = t0 + t7;
    ws[56 + c] = t0 - t7;
    ws[8 + c] = t1 + t6;
    ws[48 + c] = t1 - t6;
    ws[16 + c] = t2 + t5;
    ws[40 + c] = t2 - t5;
    ws[32 + c] = t3 + t4;
    ws[24 + c] = t3 - t4;
  }
  // Rows, in place.
  for (let r = 0; r < 64; r += 8) {
    let t10 = ws[r] + ws[r + 4];
    let t11 = ws[r] - ws[r + 4];
    const t13 = ws[r + 2] + ws[r + 6];
    let t12 = (ws[r + 2] - ws[r + 6]) * 1.414213562 - t13;
    const t0 = t10 + t13;
    const t3 = t10 - t13;
    const t1 = t11 + t12;
    const t2 = t11 - t12;
    const z13 = ws[r + 5] + ws[r + 3];
    const z10 = ws[r + 5] - ws[r + 3];
    const z11 = ws[r + 1] + ws[r + 7];
    const z12 = ws[r + 1] - ws[r + 7];
    const t7 = z11 + z13;
    t11 = (z11 - z13) * 1.414213562;
    const z5 = (z10 + z12) * 1.847759065;
    t10 = 1.0823922 * z12 - z5;
    t12 = -2.61312593 * z10 + z5;
    const t6 = t12 - t7;
    const t5 = t11 - t6;
    const t4 = t10 + t5;
    ws[r] = t0 + t7;
    ws[r + 7] = t0 - t7;
    ws[r + 1] = t1 + t6;
    ws[r + 6] = t1 - t6;
    ws[r + 2] = t2 + t5;
    ws[r + 5] = t2 - t5;
    ws[r + 4] = t3 + t4;
    ws[r + 3] = t3 - t4;
  }
  const g = (8 / n) | 0; // an integer, so that the indexes below stay small integers (fast element access)
  const inv = 1 / (g * g);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let yy = y * g; yy < (y + 1) * g; yy++) for (let xx = x * g; xx < (x + 1) * g; xx++) s += ws[yy * 8 + xx];
      // Round half up as Math.round does (truncating is flooring wherever the clamp keeps the value).
      const p = (s * inv + 128.5) | 0;
      out[outOff + y * stride + x] = p < 0 ? 0 : p > 255 ? 255 : p;
    }
  }
}

/** The separable transform with the averaged basis: the plain reference the tests hold the fast paths to. */
export function idctBlockSeparable(
  coef: Int16Array,
  off: number,
  quant: Uint16Array,
  n: IdctSize,
  out: Uint8Array,
  outOff: number,
  stride: number,
): void {
  const m = BASIS[n];
  // Rows of coefficients: tmp[v * 8 + x] = sum_u m[x][u] * F(v, u), over the row's nonzero prefix.
  let lastRow = -1;
  for (let v = 0; v < 8; v++) {
    const r = off + v * 8;
    let last = 7;
    while (last >= 0 && coef[r + last] === 0) last--;
    if (last < 0) {
      for (let x = 0; x < n; x++) tmp[v * 8 + x] = 0;
      continue;
    }
    lastRow = v;
    if (last === 0) {
      // Only the row's first coefficient: the same value across the row.
      const c = coef[r] * quant[v * 8];
      for (let x = 0; x < n; x++) tmp[v * 8 + x] = m[x * 8] * c;
      continue;
    }
    for (let u = 0; u <= last; u++) deq[u] = coef[r + u] * quant[v * 8 + u];
    for (let x = 0; x < n; x++) {
      let s = 0;
      const mx = x * 8;
      for (let u = 0; u <= last; u++) s += m[mx + u] * deq[u];
      tmp[v * 8 + x] = s;
    }
  }
  // Columns: sample(y, x) = sum_v m[y][v] * tmp[v][x].
  for (let y = 0; y < n; y++) {
    const my = y * 8;
    const o = outOff + y * stride;
    for (let x = 0; x < n; x++) {
      let s = 128;
      for (let v = 0; v <= lastRow; v++) s += m[my + v] * tmp[v * 8 + x];
      const p = Math.round(s);
      out[o + x] = p < 0 ? 0 : p > 255 ? 255 : p;
    }
  }
}
