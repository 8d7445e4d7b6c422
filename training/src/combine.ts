/** Combining the gradient shards' results of one batch: the averaged gradient and the running BatchNorm statistics. */
import { BN_MOMENTUM, CONV_BLOCKS, TRAINABLE, type Weights } from './model.ts';
import type { StepResult } from './step.ts';

type Moments = StepResult['stats'][number];

/** Batch-size-weighted mean of the shards' gradients. */
export function averageGrads(results: StepResult[]): Weights {
  const total = results.reduce((n, r) => n + r.count, 0);
  const out: Weights = {};
  for (const s of TRAINABLE) {
    const g = new Float32Array(results[0].grads[s.name].length);
    for (const r of results) {
      const k = r.count / total;
      const src = r.grads[s.name];
      for (let i = 0; i < g.length; i++) g[i] += src[i] * k;
    }
    out[s.name] = g;
  }
  return out;
}

/**
 * One layer's running statistics, in place, from its shards' batch moments merged into the whole
 * batch's (PyTorch: momentum 0.1, unbiased variance). `bias` is the conv bias the graph leaves out.
 */
export function updateRunningLayer(
  rm: Float32Array,
  rv: Float32Array,
  bias: Float32Array,
  shards: Moments[],
  momentum = BN_MOMENTUM,
): void {
  const total = shards.reduce((n, s) => n + s.count, 0);
  for (let c = 0; c < rm.length; c++) {
    let mean = 0;
    for (const s of shards) mean += (s.mean[c] * s.count) / total;
    let variance = 0;
    for (const s of shards) variance += ((s.variance[c] + (s.mean[c] - mean) ** 2) * s.count) / total;
    rm[c] = (1 - momentum) * rm[c] + momentum * (mean + bias[c]);
    rv[c] = (1 - momentum) * rv[c] + momentum * ((variance * total) / (total - 1));
  }
}

/** Every BatchNorm layer's running statistics after one batch. */
export function updateRunningStats(w: Weights, results: StepResult[]): void {
  CONV_BLOCKS.forEach((b, layer) =>
    updateRunningLayer(
      w[`features.${b.bn}.running_mean`],
      w[`features.${b.bn}.running_var`],
      w[`features.${b.conv}.bias`],
      results.map((r) => r.stats[layer]),
    ),
  );
}
