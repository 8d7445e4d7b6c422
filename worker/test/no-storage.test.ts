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
import { REPO } from './harness.ts';

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

const shipped = [...sources(join(REPO, 'worker', 'src')), ...sources(join(REPO, 'core', 'src')).filter((s) => !s.file.endsWith('node.ts'))];

test('the only log line is the class name of an internal error', () => {
  const calls = shipped.flatMap(({ file, text }) => [...text.matchAll(/console\.\w+\([^;]*/g)].map((m) => `${file.slice(REPO.length + 1)}: ${m[0]}`));
  assert.deepEqual(calls, ["worker/src/index.ts: console.error('internal error:', err instanceof Error ? err.name : typeof err)"]);
});

test('nothing is written anywhere: no cache, KV, R2, D1, Durable Object or queue use, no outbound fetch', () => {
  for (const { file, text } of shipped) {
    assert.doesNotMatch(text, /\bcaches\b|\.put\(|\bR2Bucket\b|\bKVNamespace\b|\bD1Database\b|\bDurableObject|\bQueue\b|\bwaitUntil\b/, file);
    for (const m of text.matchAll(/\bfetch\(/g)) assert.match(text.slice(Math.max(0, m.index - 12), m.index), /ASSETS\.$/, `${file}: only the assets binding is fetched`);
  }
  const toml = readFileSync(join(REPO, 'wrangler.toml'), 'utf8');
  assert.doesNotMatch(toml, /kv_namespaces|r2_buckets|d1_databases|durable_objects|queues|analytics_engine|logpush|tail_consumers/);
});
