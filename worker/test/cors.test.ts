/** CORS with a configured origin list (wrangler.toml [vars] CORS_ALLOWED_ORIGINS), in workerd. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningWorker, startWorker } from './harness.ts';
import { photo } from './images.ts';
import { photosSkip } from './shared-data.ts';

const skipPhotos = photosSkip();

let w: RunningWorker;
before(async () => {
  w = await startWorker({ CORS_ALLOWED_ORIGINS: 'https://app.example, https://admin.example/' });
});
after(async () => w?.dispose());

const preflight = (origin: string) =>
  w.fetch('/classify', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

test('an allowed origin is echoed, with credentials', { skip: skipPhotos }, async () => {
  for (const origin of ['https://app.example', 'https://admin.example']) {
    const pre = await preflight(origin);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    assert.match(pre.headers.get('vary') ?? '', /Origin/);
    const res = await w.fetch('/classify', { method: 'POST', body: photo('happy.jpg'), headers: { 'content-type': 'image/jpeg', origin } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    await res.arrayBuffer();
  }
});

test('another origin gets no CORS grant (the browser blocks it), but the API still answers same-origin calls', async () => {
  const pre = await preflight('https://evil.example');
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.equal(pre.headers.get('access-control-allow-credentials'), null);
  const res = await w.fetch('/model', { headers: { origin: 'https://evil.example' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  await res.arrayBuffer();
  const same = await w.fetch('/healthz');
  assert.equal(same.status, 200);
  await same.arrayBuffer();
});
