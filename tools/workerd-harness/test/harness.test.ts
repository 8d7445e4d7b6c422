/**
 * The harness against a tiny Worker of its own (test/fixture): the config resolved as wrangler
 * resolves it, the deploy bundle's modules, and what wrangler.toml and the options give the
 * running Worker (vars, a secret, module rules, a rate limiter, static assets) in workerd.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildWorker, type RunningWorker, readConfig, startWorker } from '../src/index.ts';

const CONFIG = join(import.meta.dirname, 'fixture', 'wrangler.toml');

describe('readConfig', () => {
  test('the top level as written', () => {
    const top = readConfig(CONFIG, '');
    assert.equal(top.name, 'harness-fixture');
    assert.deepEqual({ ...top.vars }, { WHERE: 'top' });
    assert.equal(top.ratelimits[0].simple.limit, 100);
  });
  test('an environment inherits name, main, compatibility, assets and rules, but not vars or rate limits', () => {
    const env = readConfig(CONFIG, 'test');
    assert.equal(env.name, 'harness-fixture-test');
    assert.equal(env.main, 'worker.js');
    assert.equal(env.compatibility_date, '2026-04-20');
    assert.deepEqual([...env.compatibility_flags], ['nodejs_compat']);
    assert.equal(env.assets.binding, 'ASSETS');
    assert.equal(env.rules[0].type, 'Data');
    assert.deepEqual({ ...env.vars }, { WHERE: 'test', OTHER: 'from the config' });
    assert.equal(env.ratelimits[0].simple.limit, 2);
  });
  test('an environment the config lacks is an error', () => {
    assert.throws(() => readConfig(CONFIG, 'nope'), /no \[env\.nope\]/);
  });
});

test('buildWorker: the dry run bundle, the entry first, then each module; once per process', async () => {
  const a = await buildWorker(CONFIG, 'test');
  assert.equal(a.files[0], 'worker.js', 'the entry, named after main');
  assert.ok(
    a.files.some((f) => f.endsWith('greeting.dat')),
    a.files.join(' '),
  );
  assert.ok(
    a.files.some((f) => f.endsWith('note.txt')),
    a.files.join(' '),
  );
  assert.ok(!a.files.some((f) => f.endsWith('.map') || f === 'README.md'));
  assert.match(a.log, /Total Upload/);
  assert.equal(await buildWorker(CONFIG, 'test'), a, 'the same build for the same config and env');
});

test('under with-worker-bundles, processes share one build: the first makes it, the next reuse it', (t) => {
  const shared = mkdtempSync(join(tmpdir(), 'harness-bundles-'));
  try {
    const build = () => {
      const t0 = performance.now();
      const out = execFileSync(
        join(import.meta.dirname, '..', 'bin', 'with-bundles.mjs'),
        [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'print-build.ts'), CONFIG, 'test'],
        { env: { ...process.env, WORKER_BUNDLES_DIR: shared }, encoding: 'utf8' },
      );
      return { bundle: JSON.parse(out) as { dir: string; files: string[] }, ms: performance.now() - t0 };
    };
    const first = build();
    const second = build();
    t.diagnostic(`first process ${first.ms.toFixed(0)} ms (builds), second ${second.ms.toFixed(0)} ms (reuses)`);
    assert.equal(second.bundle.dir, first.bundle.dir);
    assert.deepEqual(second.bundle.files, first.bundle.files);
    assert.equal(dirname(first.bundle.dir), shared);
    assert.deepEqual(readdirSync(shared), [basename(first.bundle.dir)], 'one build, nothing half-built left');
    for (const f of first.bundle.files) assert.ok(existsSync(join(first.bundle.dir, f)), f);
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});

describe('a running Worker', () => {
  let w: RunningWorker;
  let top: RunningWorker;
  before(async () => {
    w = await startWorker({
      config: CONFIG,
      env: 'test',
      vars: { OTHER: 'from the options' },
      assetsDir: join(import.meta.dirname, 'fixture', 'public'),
      bindings: { SECRET: { type: 'secret_text', value: 's3cret' } },
    });
    top = await startWorker({ config: CONFIG, env: '', bindings: { LIMITER: { type: 'ratelimit', simple: { limit: 1, period: 60 } } } });
  });
  after(async () => Promise.all([w?.dispose(), top?.dispose()]));

  test('runs in workerd on 127.0.0.1 with the environment vars, the options over them, and the secret', async () => {
    assert.match(w.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const body = await (await w.fetch('/')).json();
    assert.equal(body.userAgent, 'Cloudflare-Workers');
    assert.deepEqual(body.vars, { WHERE: 'test', OTHER: 'from the options', SECRET: 's3cret' });
    assert.equal(body.hasAssets, true);
  });
  test("modules typed by the config's rules (Data) and wrangler's defaults (Text)", async () => {
    const body = await (await w.fetch('/')).json();
    assert.equal(body.data, 'hello from a data module');
    assert.equal(body.text, 'a text module\n');
  });
  test('static assets from assetsDir, before the Worker (run_worker_first = false)', async () => {
    const res = await w.fetch('/asset.txt');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'a static asset\n');
  });
  test("the environment's rate limit (2), and a binding given in the options over the config's (1)", async () => {
    const limited = async (x: RunningWorker) => ((await (await x.fetch('/limit')).json()) as { success: boolean }).success;
    assert.deepEqual([await limited(w), await limited(w), await limited(w)], [true, true, false]);
    assert.deepEqual([await limited(top), await limited(top)], [true, false]);
    assert.equal(((await (await top.fetch('/')).json()) as { vars: { WHERE: string } }).vars.WHERE, 'top');
  });
  test('each start is a Worker of its own: disposing one leaves the other answering', async () => {
    const extra = await startWorker({ config: CONFIG, env: 'test' });
    assert.equal((await extra.fetch('/')).status, 200);
    await extra.dispose();
    await assert.rejects(extra.fetch('/'));
    assert.equal((await w.fetch('/')).status, 200);
  });
});
