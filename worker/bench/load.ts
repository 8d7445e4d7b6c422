/**
 * `npm run bench:load` (= `npm run bench:load -w worker -- [--duration S] [--levels 1,4,16,64]`):
 * the Worker in workerd on 127.0.0.1 (as the tests start it), driven for a bounded time at several
 * concurrency levels by the emotion-edge package's client (package/src/client), with a mix of real
 * photos, FER2013 crops and bad inputs (the loops take the inputs in turn). Each request is one
 * client.classify() call, so its answer is its own (fetch pairs them; autocannon's bookkeeping did
 * not once workerd reset a keep-alive connection whose request it had answered early without
 * reading the body). Prints, per level, requests/s, p50/p95/p99 latency (each request, its retries
 * included), the final status of each request and its error code, answers that were not what the
 * input should get (200 for a good image, its 4xx for a bad one), and apart from those: attempts
 * that got no answer (connection reset or dropped) and the retries they cost, and requests that
 * failed after every retry. Exits 1 on any 5xx, failed request or unexpected answer.
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '@emotion/core/api';
import pako from 'pako';
import { type AttemptInfo, type ClassifyOptions, createClient, EmotionEdgeError } from '../../package/src/client/index.ts';
import { jpegScanBomb } from '../test/fuzz/mutate.ts';
import { startWorker } from '../test/harness.ts';
import { concat, ferCrops, ihdr, PNG_SIGNATURE, photo, pngChunk, withJpegSize } from '../test/images.ts';
import { photosSkip } from '../test/shared-data.ts';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, levels: { type: 'string', default: '1,4,16,64' } },
});
const duration = Number(values.duration);
const levels = values.levels.split(',').map(Number);
const missing = photosSkip();
if (missing) throw new Error(missing);

interface Input {
  name: string;
  /** The status it must get: 200 for a good image, its 4xx for a bad input. */
  expect: number;
  image: Uint8Array;
  options?: ClassifyOptions;
}

// The client sends the raw body (the API sniffs the format) with the options as the query string.
const jpeg = (name: string) => ({ image: photo(name), expect: 200, name });
const good: Input[] = [
  jpeg('happy.jpg'),
  jpeg('sad.jpg'),
  jpeg('angry.jpg'),
  jpeg('surprised.jpg'),
  jpeg('bbt3.jpg'), // a group photo: five faces
  { name: 'amy1.png', image: photo('amy/amy1.png'), expect: 200 },
  { name: 'neutral.jpg, detect=false', image: photo('neutral.jpg'), options: { detect: false }, expect: 200 },
  { name: 'fearful.jpg, box', image: photo('fearful.jpg'), options: { box: { x: 60, y: 20, w: 120, h: 120 } }, expect: 200 },
  ...ferCrops(1)
    .slice(0, 4)
    .map((c) => ({ name: `FER2013 ${c.file} (48x48)`, image: c.bytes, options: { detect: false }, expect: 200 })),
];
const happy = photo('happy.jpg');
const bad: Input[] = [
  { name: 'text', image: new TextEncoder().encode('not an image at all'), expect: 415 },
  { name: 'GIF', image: new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), expect: 415 },
  { name: 'truncated JPEG', image: happy.subarray(0, 2000), expect: 400 },
  { name: 'empty body', image: new Uint8Array(0), expect: 400 },
  { name: 'JPEG declaring 60000x60000', image: withJpegSize(happy, 60000, 60000), expect: 413 },
  { name: 'JPEG of 3000 scans (CPU bomb)', image: jpegScanBomb(2000, 3000), expect: 413 },
  {
    name: 'PNG inflating to 16 MiB (zip bomb)',
    image: concat(
      PNG_SIGNATURE,
      ihdr(1, 1, 8, 0),
      pngChunk('IDAT', pako.deflate(new Uint8Array(16 * 2 ** 20))),
      pngChunk('IEND', new Uint8Array(0)),
    ),
    expect: 400,
  },
  {
    name: 'bad box (answered before the body is read)',
    image: happy,
    options: { box: { x: 10, y: 10, w: -5, h: Number.NaN } },
    expect: 400,
  },
  { name: 'body over the limit', image: new Uint8Array(LIMITS.maxBodyBytes + 1), expect: 413 },
];
// Good and bad alternate, so that every loop meets both all the time.
const mix: Input[] = [];
for (let i = 0; i < Math.max(good.length, bad.length); i++) {
  if (good[i]) mix.push(good[i]);
  if (bad[i]) mix.push(bad[i]);
}

interface Tally {
  /** Each request's final status (null: no answer after every retry). */
  statuses: Map<number | null, number>;
  codes: Map<string, number>;
  unexpected: Map<string, number>;
  latencies: number[];
  /** Attempts that got no answer (reset or dropped connection, timeout), by the client's code. */
  noAnswer: Map<string, number>;
  retries: number;
  /** Requests that still had no answer after every retry. */
  failed: number;
}

const bump = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

async function level(url: string, loops: number) {
  const t: Tally = {
    statuses: new Map(),
    codes: new Map(),
    unexpected: new Map(),
    latencies: [],
    noAnswer: new Map(),
    retries: 0,
    failed: 0,
  };
  // One counter for all loops, so that they do not send the same inputs in step.
  let next = 0;
  const stopAt = performance.now() + duration * 1000;
  const t0 = performance.now();
  const loop = async () => {
    while (performance.now() < stopAt) {
      const input = mix[next++ % mix.length];
      const attempts: AttemptInfo[] = [];
      // Its own client per request: the attempts it reports are this request's alone.
      const client = createClient({
        baseUrl: url,
        timeoutMs: 30_000,
        retry: { retries: 3, baseDelayMs: 50 },
        onAttempt: (a) => attempts.push(a),
      });
      const start = performance.now();
      let status: number | null;
      let code: string | null = null;
      try {
        await client.classify(input.image, input.options);
        status = 200;
      } catch (err) {
        if (!(err instanceof EmotionEdgeError)) throw err;
        status = err.status;
        code = err.code;
      }
      t.latencies.push(performance.now() - start);
      for (const a of attempts) if (a.status === null) bump(t.noAnswer, a.code ?? 'unknown');
      t.retries += attempts.length - 1;
      bump(t.statuses, status);
      if (status === null) t.failed++;
      else if (status >= 400) bump(t.codes, `${status} ${code}`);
      if (status !== null && status !== input.expect) bump(t.unexpected, `${input.name}: ${status}`);
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const seconds = (performance.now() - t0) / 1000;
  t.latencies.sort((a, b) => a - b);
  const pct = (p: number) => t.latencies[Math.min(t.latencies.length - 1, Math.floor((p / 100) * t.latencies.length))] ?? NaN;
  const answered = t.latencies.length;
  return {
    connections: loops,
    seconds,
    answered,
    rps: answered / seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    t,
    fivexx: [...t.statuses].filter(([s]) => s !== null && s >= 500).reduce((a, [, n]) => a + n, 0),
  };
}

const w = await startWorker();
try {
  // Warm up: load the models and compile everything once, outside the measurement.
  const warm = createClient({ baseUrl: w.url, retry: { retries: 3, baseDelayMs: 50 } });
  for (const input of mix) {
    const status = await warm.classify(input.image, input.options).then(
      () => 200,
      (e: EmotionEdgeError) => e.status,
    );
    if (status !== input.expect) throw new Error(`warm-up: ${input.name} answered ${status}, expected ${input.expect}`);
  }
  console.log(
    `Mix of ${mix.length} inputs (${good.length} good images, ${bad.length} bad inputs), taken in turn by the client loops; ${duration} s per level on ${w.url}\n`,
  );
  const rows: Awaited<ReturnType<typeof level>>[] = [];
  for (const c of levels) {
    const r = await level(w.url, c);
    rows.push(r);
    console.error(`  ${c} loops: ${r.answered} requests`);
  }
  const n = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  const noAnswer = (r: (typeof rows)[number]) => [...r.t.noAnswer].map(([code, k]) => `${k} ${code}`).join(', ') || '0';
  console.log(
    '| loops | requests | req/s | p50 ms | p95 ms | p99 ms | 200 | 4xx | 5xx | unexpected | attempts without an answer | retries | failed after retries |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const by = (lo: number, hi: number) =>
      [...r.t.statuses].filter(([s]) => s !== null && s >= lo && s < hi).reduce((a, [, k]) => a + k, 0);
    const unexpected = [...r.t.unexpected.values()].reduce((a, k) => a + k, 0);
    console.log(
      `| ${r.connections} | ${r.answered} | ${n(r.rps)} | ${n(r.p50)} | ${n(r.p95)} | ${n(r.p99)} | ${by(200, 300)} | ${by(400, 500)} | ${r.fivexx} | ${unexpected} | ${noAnswer(r)} | ${r.t.retries} | ${r.t.failed} |`,
    );
  }
  console.log('\n4xx answers by status and error code:\n');
  console.log('| loops | ' + [...new Set(rows.flatMap((r) => [...r.t.codes.keys()]))].sort().join(' | ') + ' |');
  const codeKeys = [...new Set(rows.flatMap((r) => [...r.t.codes.keys()]))].sort();
  console.log('|---|' + codeKeys.map(() => '---|').join(''));
  for (const r of rows) console.log(`| ${r.connections} | ${codeKeys.map((k) => r.t.codes.get(k) ?? 0).join(' | ')} |`);
  const failures = rows.flatMap((r) => [
    ...(r.fivexx ? [`${r.connections} loops: ${r.fivexx} answers 5xx`] : []),
    ...(r.t.failed ? [`${r.connections} loops: ${r.t.failed} requests without an answer after every retry`] : []),
    ...[...r.t.unexpected].map(([k, v]) => `${r.connections} loops: ${v} x ${k}`),
  ]);
  console.log(
    failures.length
      ? `\nTARGET MISSED:\n${failures.join('\n')}`
      : '\nTarget met: no 5xx, every request answered (resets retried, counted above), every good image 200 and every bad input its 4xx, at every level.',
  );
  process.exitCode = failures.length ? 1 : 0;
} finally {
  await w.dispose();
}
