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

const tmp = new Float64Array(64);

/**
 * Dequantizes the block at coef[off..off+64) (natural order) with `quant` (natural order) and
 * writes its n x n samples, level-shifted and clamped to 0-255, to out[outOff + y * stride + x].
 */
export function idctBlock(
  coef: Int16Array,
  off: number,
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
  const m = BASIS[n];
  // Rows of coefficients: tmp[v * 8 + x] = sum_u m[x][u] * F(v, u).
  let lastRow = -1;
  for (let v = 0; v < 8; v++) {
    const r = off + v * 8;
    let any = false;
    for (let u = 0; u < 8; u++) {
      if (coef[r + u] !== 0) {
        any = true;
        break;
      }
    }
    if (!any) {
      for (let x = 0; x < n; x++) tmp[v * 8 + x] = 0;
      continue;
    }
    lastRow = v;
    for (let x = 0; x < n; x++) {
      let s = 0;
      const mx = x * 8;
      for (let u = 0; u < 8; u++) s += m[mx + u] * coef[r + u] * quant[v * 8 + u];
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
