/**
 * Minimum-cost assignment (Hungarian algorithm, Kuhn-Munkres with potentials, O(n^2 m)): which
 * detection continues which track. A handful of faces a frame makes the cubic cost nothing, and an
 * optimal assignment keeps two close faces apart where a greedy one can swap them.
 */

/**
 * `cost[i][j]` is the cost of pairing row i with column j; Infinity forbids the pair. Returns, for
 * each row, its column or -1 (unpaired: more rows than columns, or every allowed column taken).
 */
export function assign(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = rows ? cost[0].length : 0;
  if (!rows || !cols) return new Array(rows).fill(-1);
  // Forbidden pairs get a finite cost above any sum of allowed ones, and are dropped afterwards.
  let allowedSum = 0;
  for (const row of cost) for (const c of row) if (Number.isFinite(c)) allowedSum += Math.abs(c);
  const forbidden = allowedSum + 1;
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const at = (i: number, j: number) => {
    const c = transpose ? cost[j][i] : cost[i][j];
    return Number.isFinite(c) ? c : forbidden;
  };
  // 1-based potentials and matching, column 0 a sentinel (the classic formulation).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const out = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= m; j++) {
    if (!p[j]) continue;
    const [r, c] = transpose ? [j - 1, p[j] - 1] : [p[j] - 1, j - 1];
    if (Number.isFinite(cost[r][c])) out[r] = c;
  }
  return out;
}
