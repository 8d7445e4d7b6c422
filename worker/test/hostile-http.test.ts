/**
 * Hostile input through the real Worker in workerd over HTTP (everything: workerd's multipart
 * parser, face detection and the classifier included): a few hundred fuzz cases, the regression
 * files, and images over the limits that must be refused at once. After all of it the Worker still
 * answers. The bulk of the fuzzing runs in-process in fuzz.test.ts (same cases, same seed).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pako from 'pako';
import { makeCase } from './fuzz/cases.ts';
import { regressionCases, runFuzz, runInProcess, summary } from './fuzz/run.ts';
import { makeJpeg } from './fuzz/seeds.ts';
import { type RunningWorker, startWorker } from './harness.ts';
import { concat, ihdr, PNG_SIGNATURE, pngChunk, withJpegSize } from './images.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20260626);
const HTTP_CASES = Number(process.env.FUZZ_HTTP_CASES ?? 300);

let w: RunningWorker;
before(async () => {
  w = await startWorker();
});
after(async () => w?.dispose());

test(`workerd: ${HTTP_CASES} fuzz cases (seed ${SEED}) over HTTP each get a 200 or a 4xx JSON error`, async (t) => {
  const report = await runFuzz({ seed: SEED, from: 0, to: HTTP_CASES, base: w.url, timeBoundMs: 20_000 });
  for (const line of summary(report).split('\n')) t.diagnostic(line);
  assert.deepEqual(
    report.failures.map((f) => `${f.c.id}: ${f.outcome.failure}`),
    [],
  );
  assert.ok(
    (report.byStatus['200'] ?? 0) > 10 &&
      (report.byStatus['400'] ?? 0) > 10 &&
      (report.byStatus['413'] ?? 0) > 0 &&
      (report.byStatus['415'] ?? 0) > 0,
  );
});

test('workerd and the in-process run agree on the status of every raw-body case', async (t) => {
  // The in-process run is the Worker's own code up to the models; the models never turn a request
  // into a 4xx, so a raw body (no multipart parser involved) must get the same status both ways.
  let raw = 0;
  let formDiffer = 0;
  for (let i = 0; i < Math.min(HTTP_CASES, 150); i++) {
    const c = makeCase(SEED, i);
    const local = await runInProcess(c, 20_000, false);
    const res = await w.fetch(c.path, {
      method: 'POST',
      body: c.body,
      headers: c.contentType === undefined ? {} : { 'content-type': c.contentType },
    });
    await res.arrayBuffer();
    if (c.wrap.startsWith('multipart')) {
      if (res.status !== local.status) formDiffer++;
      continue;
    }
    raw++;
    assert.equal(
      res.status,
      local.status,
      `${c.id} (${c.image} as ${c.wrap}): workerd ${res.status}, in-process ${local.status} ${local.code}`,
    );
  }
  t.diagnostic(`${raw} raw-body cases agree; multipart cases whose status differs between workerd's and Node's form parser: ${formDiffer}`);
  assert.ok(raw > 50);
});

for (const { c, r } of regressionCases()) {
  test(`workerd: regression ${c.id} answers ${r.expect ? `${r.expect.status} ${r.expect.code}` : '200 or a 4xx'}`, async () => {
    const res = await w.fetch(c.path, { method: 'POST', body: c.body, headers: r.contentType ? { 'content-type': r.contentType } : {} });
    const body = await res.json();
    assert.ok(
      res.status === 200 || (res.status >= 400 && res.status < 500 && body.error?.message),
      `${res.status} ${JSON.stringify(body).slice(0, 200)}`,
    );
    if (r.expect) assert.deepEqual({ status: res.status, code: res.status === 200 ? 'ok' : body.error.code }, r.expect);
  });
}

test('20000x20000 declared in a few hundred bytes (PNG and JPEG): 413 naming the limit, at once', async () => {
  const png = concat(
    PNG_SIGNATURE,
    ihdr(20000, 20000, 8, 6),
    pngChunk('IDAT', pako.deflate(new Uint8Array(64))),
    pngChunk('IEND', new Uint8Array(0)),
  );
  const jpeg = withJpegSize(makeJpeg(8, 8), 20000, 20000);
  for (const [bytes, type] of [
    [png, 'image/png'],
    [jpeg, 'image/jpeg'],
  ] as const) {
    assert.ok(bytes.length < 1000, `${type}: ${bytes.length} bytes`);
    const t0 = performance.now();
    const res = await w.fetch('/classify', { method: 'POST', body: bytes, headers: { 'content-type': type } });
    const body = await res.json();
    const ms = performance.now() - t0;
    assert.equal(res.status, 413, JSON.stringify(body));
    assert.equal(body.error.code, 'too_large');
    assert.match(body.error.message, /20000x20000.*limit/);
    assert.ok(ms < 2000, `answered in ${ms.toFixed(0)} ms`);
  }
});

test('after all of it the Worker still answers, and classifies', async () => {
  assert.equal((await w.fetch('/healthz')).status, 200);
  const res = await w.fetch('/classify?detect=false', {
    method: 'POST',
    body: makeJpeg(64, 64),
    headers: { 'content-type': 'image/jpeg' },
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(typeof body.emotion, 'string');
});
