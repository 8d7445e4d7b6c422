/**
 * `npm run bench:load` (= `npm run bench:load -w worker -- [--duration S] [--levels 1,4,16,64]`):
 * the Worker in workerd on 127.0.0.1 (as the tests start it), driven by autocannon for a bounded
 * time at several concurrency levels with a mix of real photos, FER2013 crops and bad inputs (the
 * connections take the inputs in turn). Prints, per level, requests/s, p50/p95/p99 latency (all
 * answers), the count of each status and error code, answers that were not what the input should
 * get (200 for a good image, its 4xx for a bad one), and dropped connections (errors, timeouts,
 * resets). Exits 1 on any 5xx, dropped connection or unexpected answer.
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '@emotion/core/api';
import autocannon from 'autocannon';
import pako from 'pako';
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
  path: string;
  body: Uint8Array;
  contentType?: string;
}

function form(bytes: Uint8Array, filename: string, field = 'image'): { body: Uint8Array; contentType: string } {
  const b = 'loadbench0123456789';
  const head = new TextEncoder().encode(
    `--${b}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  return { body: concat(head, bytes, new TextEncoder().encode(`\r\n--${b}--\r\n`)), contentType: `multipart/form-data; boundary=${b}` };
}

const jpeg = (name: string) => ({ path: '/classify', body: photo(name), contentType: 'image/jpeg', expect: 200, name });
const good: Input[] = [
  jpeg('happy.jpg'),
  jpeg('sad.jpg'),
  jpeg('angry.jpg'),
  jpeg('surprised.jpg'),
  jpeg('bbt3.jpg'), // a group photo: five faces
  { name: 'amy1.png (multipart)', path: '/classify', ...form(photo('amy/amy1.png'), 'amy1.png'), expect: 200 },
  { name: 'neutral.jpg, detect=false', path: '/classify?detect=false', body: photo('neutral.jpg'), contentType: 'image/jpeg', expect: 200 },
  { name: 'fearful.jpg, box', path: '/classify?box=60,20,120,120', body: photo('fearful.jpg'), contentType: 'image/jpeg', expect: 200 },
  ...ferCrops(1)
    .slice(0, 4)
    .map((c) => ({
      name: `FER2013 ${c.file} (48x48)`,
      path: '/classify?detect=false',
      body: c.bytes,
      contentType: 'image/jpeg',
      expect: 200,
    })),
];
const happy = photo('happy.jpg');
const bad: Input[] = [
  {
    name: 'text as image/jpeg',
    path: '/classify',
    body: new TextEncoder().encode('not an image at all'),
    contentType: 'image/jpeg',
    expect: 415,
  },
  {
    name: 'GIF',
    path: '/classify',
    body: new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;'),
    contentType: 'image/gif',
    expect: 415,
  },
  { name: 'truncated JPEG', path: '/classify', body: happy.subarray(0, 2000), contentType: 'image/jpeg', expect: 400 },
  { name: 'empty body', path: '/classify', body: new Uint8Array(0), contentType: 'image/jpeg', expect: 400 },
  {
    name: 'JPEG declaring 60000x60000',
    path: '/classify',
    body: withJpegSize(happy, 60000, 60000),
    contentType: 'image/jpeg',
    expect: 413,
  },
  { name: 'JPEG of 3000 scans (CPU bomb)', path: '/classify', body: jpegScanBomb(2000, 3000), contentType: 'image/jpeg', expect: 413 },
  {
    name: 'PNG inflating to 16 MiB (zip bomb)',
    path: '/classify',
    body: concat(
      PNG_SIGNATURE,
      ihdr(1, 1, 8, 0),
      pngChunk('IDAT', pako.deflate(new Uint8Array(16 * 2 ** 20))),
      pngChunk('IEND', new Uint8Array(0)),
    ),
    contentType: 'image/png',
    expect: 400,
  },
  { name: 'bad box', path: '/classify?box=10,10,-5,abc', body: happy, contentType: 'image/jpeg', expect: 400 },
  { name: 'form without image', path: '/classify', ...form(new TextEncoder().encode('x'), 'x.txt', 'other'), expect: 400 },
  { name: 'body over the limit', path: '/classify', body: new Uint8Array(LIMITS.maxBodyBytes + 1), contentType: 'image/jpeg', expect: 413 },
];
// Good and bad alternate, so that every connection meets both all the time.
const mix: Input[] = [];
for (let i = 0; i < Math.max(good.length, bad.length); i++) {
  if (good[i]) mix.push(good[i]);
  if (bad[i]) mix.push(bad[i]);
}

interface Tally {
  statuses: Map<number, number>;
  codes: Map<string, number>;
  unexpected: Map<string, number>;
  latencies: number[];
}

async function level(url: string, connections: number) {
  const t: Tally = { statuses: new Map(), codes: new Map(), unexpected: new Map(), latencies: [] };
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  // One request template: each request takes the next input of the mix (one counter for all
  // connections, so that they do not send the same inputs in step), and its answer is judged
  // against that input.
  let next = 0;
  const requests = [
    {
      setupRequest: (req: autocannon.Request, context: object) => {
        const i = next++ % mix.length;
        (context as { input: number }).input = i;
        const input = mix[i];
        return {
          ...req,
          method: 'POST' as const,
          path: input.path,
          headers: input.contentType ? { 'content-type': input.contentType } : {},
          body: Buffer.from(input.body),
        };
      },
      onResponse: (status: number, body: string, context: object) => {
        const input = mix[(context as { input: number }).input];
        bump(t.statuses, status);
        if (status >= 400) {
          let code = 'not-json';
          try {
            code = JSON.parse(body).error.code;
          } catch {}
          bump(t.codes, `${status} ${code}`);
        }
        if (status !== input.expect) bump(t.unexpected, `${input.name}: ${status}`);
      },
    },
  ];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration, pipelining: 1, timeout: 30, requests }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    instance.on('response', (_client, _status, _bytes, ms) => t.latencies.push(ms));
  });
  t.latencies.sort((a, b) => a - b);
  const pct = (p: number) => t.latencies[Math.min(t.latencies.length - 1, Math.floor((p / 100) * t.latencies.length))] ?? NaN;
  const answered = t.latencies.length;
  return {
    connections,
    seconds: result.duration,
    answered,
    rps: answered / result.duration,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    t,
    fivexx: [...t.statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0),
    dropped: { errors: result.errors, timeouts: result.timeouts, resets: result.resets },
  };
}

const w = await startWorker();
try {
  // Warm up: load the models and compile everything once, outside the measurement.
  for (const input of mix) {
    const res = await w.fetch(input.path, {
      method: 'POST',
      body: input.body as Uint8Array<ArrayBuffer>,
      headers: input.contentType ? { 'content-type': input.contentType } : {},
    });
    await res.arrayBuffer();
    if (res.status !== input.expect) throw new Error(`warm-up: ${input.name} answered ${res.status}, expected ${input.expect}`);
  }
  console.log(
    `Mix of ${mix.length} inputs (${good.length} good images, ${bad.length} bad inputs), taken in turn by the connections; ${duration} s per level on ${w.url}\n`,
  );
  const rows = [];
  for (const c of levels) {
    const r = await level(w.url, c);
    rows.push(r);
    console.error(`  ${c} connections: ${r.answered} answers`);
  }
  const n = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  console.log(
    '| connections | requests | req/s | p50 ms | p95 ms | p99 ms | 200 | 4xx | 5xx | unexpected | dropped (errors / timeouts / resets) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const by = (lo: number, hi: number) => [...r.t.statuses].filter(([s]) => s >= lo && s < hi).reduce((a, [, k]) => a + k, 0);
    const unexpected = [...r.t.unexpected.values()].reduce((a, k) => a + k, 0);
    console.log(
      `| ${r.connections} | ${r.answered} | ${n(r.rps)} | ${n(r.p50)} | ${n(r.p95)} | ${n(r.p99)} | ${by(200, 300)} | ${by(400, 500)} | ${r.fivexx} | ${unexpected} | ${r.dropped.errors} / ${r.dropped.timeouts} / ${r.dropped.resets} |`,
    );
  }
  console.log('\n4xx answers by status and error code:\n');
  console.log('| connections | ' + [...new Set(rows.flatMap((r) => [...r.t.codes.keys()]))].sort().join(' | ') + ' |');
  const codeKeys = [...new Set(rows.flatMap((r) => [...r.t.codes.keys()]))].sort();
  console.log('|---|' + codeKeys.map(() => '---|').join(''));
  for (const r of rows) console.log(`| ${r.connections} | ${codeKeys.map((k) => r.t.codes.get(k) ?? 0).join(' | ')} |`);
  const failures = rows.flatMap((r) => [
    ...(r.fivexx ? [`${r.connections} connections: ${r.fivexx} answers 5xx`] : []),
    ...(r.dropped.errors + r.dropped.timeouts + r.dropped.resets
      ? [`${r.connections} connections: dropped ${JSON.stringify(r.dropped)}`]
      : []),
    ...[...r.t.unexpected].map(([k, v]) => `${r.connections} connections: ${v} x ${k}`),
  ]);
  console.log(
    failures.length
      ? `\nTARGET MISSED:\n${failures.join('\n')}`
      : '\nTarget met: no 5xx, no dropped connection, every good image 200 and every bad input its 4xx, at every level.',
  );
  process.exitCode = failures.length ? 1 : 0;
} finally {
  await w.dispose();
}
