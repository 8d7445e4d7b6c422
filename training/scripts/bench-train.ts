/**
 * Training and inference throughput of the selected backend, batch 64 (forward, backward, AdamW
 * update), as the median of several steps after warm-up. Prints:
 *   training: N images/s
 *   inference: N images/s
 * and, where PyTorch is installed (python3-torch), the ratio to the same model in PyTorch.
 *
 *   npm run bench:train -w training [-- --backend wasm --threads 2 --steps 12]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INPUT_PIXELS } from '@emotion/core/classes';
import { Rng } from '@emotion/core/rng';
import { type BackendChoice, selectBackend } from '../src/backend.ts';
import type { Dataset } from '../src/data.ts';
import { inThreadPool, threadPool } from '../src/gradient-pool.ts';
import { initWeights, TRAINABLE, type Weights } from '../src/model.ts';
import { adamwStep, initAdam } from '../src/optim.ts';
import { sharedWeights } from '../src/shard.ts';

const { values: v } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    threads: { type: 'string', default: 'auto' },
    /** The former name of --threads. */
    workers: { type: 'string', default: '' },
    steps: { type: 'string', default: '12' },
    'batch-size': { type: 'string', default: '64' },
  },
});
const B = Number(v['batch-size']);
const steps = Number(v.steps);

function syntheticSet(n: number, seed: number): Dataset {
  const r = new Rng(seed);
  const images = new Uint8Array(new SharedArrayBuffer(n * INPUT_PIXELS));
  const labels = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < images.length; i++) images[i] = r.int(256);
  for (let i = 0; i < n; i++) labels[i] = r.int(7);
  return { images, labels, n, source: 'synthetic' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const info = await selectBackend(v.backend as BackendChoice);
const threadsFlag = v.workers || v.threads;
const threads = threadsFlag === 'auto' ? (info.backend === 'tensorflow' ? 1 : Math.min(2, availableParallelism())) : Number(threadsFlag);
console.log(`backend: ${info.backend} (${info.device}), ${threads} gradient thread(s), batch ${B}`);
const data = { train: syntheticSet(B * 4, 1), val: syntheticSet(1024, 2) };
const { buffer, weights } = sharedWeights(initWeights(1));
const pool = threads > 1 ? await threadPool(threads, info.backend as BackendChoice, data, buffer) : inThreadPool(data, weights);
const adam = initAdam(weights);

const stepTimes: number[] = [];
for (let s = 0; s < steps + 3; s++) {
  const idx = Uint32Array.from({ length: B }, (_, i) => ((s % 4) * B + i) % data.train.n);
  const per = Math.ceil(B / pool.shards);
  const t0 = performance.now();
  const results = await pool.step(
    Array.from({ length: pool.shards }, (_, k) => ({
      indices: idx.slice(k * per, (k + 1) * per),
      augSeed: s,
      dropoutSeed: s + k,
      labelSmoothing: 0.1,
      augment: true,
    })),
  );
  const grads: Weights = {};
  for (const t of TRAINABLE) {
    const g = new Float32Array(weights[t.name].length);
    for (const r of results) r.grads[t.name].forEach((x, i) => (g[i] += x / results.length));
    grads[t.name] = g;
  }
  adamwStep(weights, grads, adam, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 5e-4 });
  if (s >= 3) stepTimes.push(performance.now() - t0);
}
const inferTimes: number[] = [];
for (let s = 0; s < 5; s++) {
  const t0 = performance.now();
  await pool.evalLogits('val', 0, data.val.n);
  if (s >= 1) inferTimes.push(performance.now() - t0);
}
await pool.close();

const trainRate = (B * 1000) / median(stepTimes);
const inferRate = (data.val.n * 1000) / median(inferTimes);
console.log(`step: median ${median(stepTimes).toFixed(0)} ms over ${stepTimes.length} steps`);
console.log(`training: ${trainRate.toFixed(1)} images/s`);
console.log(`inference: ${inferRate.toFixed(1)} images/s`);

// Dev-only comparison with PyTorch's CPU build, when it is installed.
try {
  const script = fileURLToPath(new URL('./bench_torch.py', import.meta.url));
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // Debian's, where python3-torch installs
  const out = execFileSync(python, [script, String(B)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 });
  const pt = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(': '))
      .map(([k, n]) => [k, parseFloat(n)]),
  );
  console.log(`pytorch training: ${pt.training.toFixed(1)} images/s (ratio ${(trainRate / pt.training).toFixed(2)})`);
  console.log(`pytorch inference: ${pt.inference.toFixed(1)} images/s (ratio ${(inferRate / pt.inference).toFixed(2)})`);
} catch {
  console.log('pytorch: not installed (apt-get install python3-torch to compare)');
}
