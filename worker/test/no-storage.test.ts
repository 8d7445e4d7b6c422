/**
 * "No upload is stored or logged", checked on the code that ships: the Worker's sources (and the
 * core modules it bundles) write one log line, the class name of an internal error, and touch no
 * storage; wrangler.toml binds no storage. A new console call or binding makes this fail, to be
 * looked at.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, startWorker } from './harness.ts';
import { type Bytes, photo } from './images.ts';
import { captureLogs } from './log-capture.ts';
import { photosSkip } from './shared-data.ts';

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

// Core's Node-only modules (node.ts files, shared-data.ts: the tests' ../shared resolver) are never bundled.
const NODE_ONLY = ['node.ts', 'shared-data.ts'];
const shipped = [
  ...sources(join(REPO, 'worker', 'src')),
  ...sources(join(REPO, 'core', 'src')).filter((s) => !NODE_ONLY.some((n) => s.file.endsWith(n))),
];

test('the only log line is the class name of an internal error', () => {
  const calls = shipped.flatMap(({ file, text }) =>
    [...text.matchAll(/console\.\w+\([^;]*/g)].map((m) => `${file.slice(REPO.length + 1)}: ${m[0]}`),
  );
  assert.deepEqual(calls, ["worker/src/index.ts: console.error('internal error:', err instanceof Error ? err.name : typeof err)"]);
});

test('nothing is written anywhere: no cache, KV, R2, D1, Durable Object or queue use, no outbound fetch', () => {
  for (const { file, text } of shipped) {
    assert.doesNotMatch(
      text,
      /\bcaches\b|\.put\(|\bR2Bucket\b|\bKVNamespace\b|\bD1Database\b|\bDurableObject|\bQueue\b|\bwaitUntil\b/,
      file,
    );
    for (const m of text.matchAll(/\bfetch\(/g))
      assert.match(text.slice(Math.max(0, m.index - 12), m.index), /ASSETS\.$/, `${file}: only the assets binding is fetched`);
  }
  const toml = readFileSync(join(REPO, 'wrangler.toml'), 'utf8');
  assert.doesNotMatch(toml, /kv_namespaces|r2_buckets|d1_databases|durable_objects|queues|analytics_engine|logpush|tail_consumers/);
});

test('no log line of a request holds the image (its bytes, hex or base64) or the landmarks it answered', {
  skip: photosSkip(),
}, async () => {
  const previous = process.env.WORKER_LOG_LEVEL;
  process.env.WORKER_LOG_LEVEL = 'debug';
  const logs = captureLogs();
  let body: any;
  let bytes: Uint8Array;
  try {
    const w = await startWorker();
    try {
      bytes = photo('happy.jpg');
      const res = await w.fetch('/classify', { method: 'POST', body: bytes as Bytes, headers: { 'content-type': 'image/jpeg' } });
      body = await res.json();
      await w.fetch('/classify', { method: 'POST', body: bytes.slice(0, 3000) as Bytes, headers: { 'content-type': 'image/jpeg' } });
    } finally {
      await w.dispose();
    }
  } finally {
    logs.release();
    if (previous === undefined) delete process.env.WORKER_LOG_LEVEL;
    else process.env.WORKER_LOG_LEVEL = previous;
  }
  const text = logs.text();
  assert.match(text, /POST \/classify/, 'the request log was captured');
  assert.equal(body.faces.length, 1);
  // 24 bytes of the image from anywhere in it, in the spellings a log could hold them.
  const image = Buffer.from(bytes!);
  for (let at = 2; at + 24 < image.length; at += Math.floor(image.length / 40)) {
    const piece = image.subarray(at, at + 24);
    for (const spelling of [piece.toString('base64'), piece.toString('hex'), piece.toString('latin1')])
      assert.ok(!text.includes(spelling), `image bytes at ${at} in the log`);
  }
  for (const [name, p] of Object.entries(body.faces[0].landmarks as Record<string, { x: number; y: number }>)) {
    assert.ok(!text.includes(`${p.x}`) || !text.includes(`${p.y}`) || !text.includes(name), `the landmark ${name} in the log`);
  }
  assert.ok(!text.includes('"landmarks"') && !text.includes('"scores"'), 'no answer in the log');
});
