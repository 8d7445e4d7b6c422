/**
 * API keys and rate limits on POST /classify (src/auth.ts), in workerd: no key, a valid key, a
 * wrong key and malformed headers, with and without REQUIRE_API_KEY; 429 with Retry-After past a
 * low limit; preflights and the other routes never need a key nor count; and nothing of the key
 * or its digest in any answer or any log line the Worker (and wrangler around it) writes.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RATE_LIMITS } from '@emotion/core/api';
import { readConfig } from '@emotion/workerd-harness';
import { addressKey, digestMatches, parseDigests } from '../src/auth.ts';
import { type Contract, contract } from './contract.ts';
import { type Bindings, CONFIG, type RunningWorker, startWorker } from './harness.ts';
import { photo } from './images.ts';
import { captureLogs } from './log-capture.ts';
import { photosSkip } from './shared-data.ts';

const skipPhotos = photosSkip();

const newKey = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString('base64url');
const digestOf = async (key: string) =>
  Buffer.from(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(key))).toString('hex');

const KEY = newKey();
const OTHER_KEY = newKey();
let DIGEST = '';
let OTHER_DIGEST = '';
/** Every spelling of a secret that must never show, even in part: the keys, their digests (hex, either case, base64). */
let secrets: string[] = [];

// Everything written while the workers run (./log-capture.ts), at log level debug.
let logs: ReturnType<typeof captureLogs> | undefined;
const capture = () => (logs = captureLogs());
const release = () => logs?.release();

let open: RunningWorker; // REQUIRE_API_KEY=false
let closed: RunningWorker; // REQUIRE_API_KEY=true
let limited: RunningWorker; // low limits
let api: Contract;
const answers: string[] = [];

const LOW = { anonymous: 3, keyed: 5 };
// API_KEYS as wrangler passes a secret (`wrangler secret put`, .dev.vars): a secret_text binding.
const apiKeys = (value: string): Bindings => ({ API_KEYS: { type: 'secret_text', value } });
const limiter = (namespace_id: string, limit: number): Bindings[string] => ({
  type: 'ratelimit',
  namespace_id,
  simple: { limit, period: RATE_LIMITS.periodSeconds },
});

before(async () => {
  DIGEST = await digestOf(KEY);
  OTHER_DIGEST = await digestOf(OTHER_KEY);
  secrets = [
    KEY,
    OTHER_KEY,
    DIGEST,
    OTHER_DIGEST,
    DIGEST.toUpperCase(),
    Buffer.from(DIGEST, 'hex').toString('base64'),
    Buffer.from(DIGEST, 'hex').toString('base64url'),
  ];
  capture();
  const level = process.env.WORKER_LOG_LEVEL;
  process.env.WORKER_LOG_LEVEL = 'debug';
  try {
    const keys = apiKeys(` ${DIGEST.toUpperCase()} , not-a-digest, ${OTHER_DIGEST}`);
    open = await startWorker({ REQUIRE_API_KEY: 'false' }, undefined, keys);
    closed = await startWorker({ REQUIRE_API_KEY: 'true' }, undefined, keys);
    limited = await startWorker({}, undefined, {
      ...apiKeys(DIGEST),
      ANON_LIMITER: limiter('1001', LOW.anonymous),
      KEY_LIMITER: limiter('1002', LOW.keyed),
    });
  } finally {
    if (level === undefined) delete process.env.WORKER_LOG_LEVEL;
    else process.env.WORKER_LOG_LEVEL = level;
  }
  api = contract(await (await open.fetch('/openapi.json')).json());
});
after(async () => {
  await Promise.all([open?.dispose(), closed?.dispose(), limited?.dispose()]);
  release();
});

/** The answer's status, headers and body, kept to look for secrets in at the end. */
async function read(res: Response, path = '/classify', method = 'POST') {
  const text = await res.clone().text();
  answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  const body = res.headers.get('content-type')?.includes('json') ? await api.documented(res, path, method) : await res.text();
  return body;
}

const classify = (w: RunningWorker, headers: Record<string, string> = {}, body: BodyInit = new Uint8Array(0)) =>
  w.fetch('/classify', { method: 'POST', body, headers: { 'content-type': 'image/jpeg', ...headers } });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function expect401(res: Response, invalidToken: boolean) {
  assert.equal(res.status, 401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer realm="emotion-edge"/);
  assert.equal(/error="invalid_token"/.test(challenge), invalidToken, challenge);
  const body = await read(res);
  assert.equal(body.error.code, 'unauthorized');
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

/** Past these the request reached the handler: an empty body is its cheapest answer (400). */
async function expectPassed(res: Response) {
  assert.equal(res.status, 400, `status ${res.status}`);
  assert.equal((await read(res)).error.code, 'empty_body');
}

const MALFORMED = [
  'Basic dXNlcjpwYXNz',
  'Bearer',
  'Bearer ',
  'Bearer short',
  `Bearer ${'a'.repeat(300)}`,
  `Bearer ${KEY} ${KEY}`,
  `Bearer ${KEY.slice(0, 20)}!${KEY.slice(21)}`,
  `Bearer "${KEY}"`,
  `Token ${KEY}`,
  KEY,
];

describe('REQUIRE_API_KEY=false (the default)', () => {
  test('no key: anonymous, the request is served', { skip: skipPhotos }, async () => {
    await expectPassed(await classify(open));
    const res = await classify(open, {}, photo('happy.jpg'));
    assert.equal(res.status, 200);
    await read(res);
  });
  test('a valid key (either accepted digest, the list trimmed and case-folded): served', { skip: skipPhotos }, async () => {
    const res = await classify(open, bearer(KEY), photo('happy.jpg'));
    assert.equal(res.status, 200);
    assert.equal((await read(res)).faces.length, 1);
    await expectPassed(await classify(open, bearer(OTHER_KEY)));
    await expectPassed(await classify(open, { authorization: `bearer  ${KEY}` }));
  });
  test('a wrong key: 401 invalid_token', async () => {
    await expect401(await classify(open, bearer(newKey())), true);
    await expect401(await classify(open, bearer(DIGEST)), true); // the digest is not the key
  });
  test('malformed Authorization headers: 401 invalid_token', async () => {
    for (const authorization of MALFORMED) await expect401(await classify(open, { authorization }), true);
  });
  test('a 401 to another origin carries the CORS grant and lets the caller read the challenge', async () => {
    const res = await classify(open, { ...bearer(newKey()), origin: 'https://app.example' });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /www-authenticate/i);
    await expect401(res, true);
  });
});

describe('REQUIRE_API_KEY=true', () => {
  test('no key: 401 without error= (nothing was wrong with a key)', { skip: skipPhotos }, async () => {
    await expect401(await classify(closed), false);
    await expect401(await classify(closed, {}, photo('happy.jpg')), false);
  });
  test('a valid key: served', { skip: skipPhotos }, async () => {
    const res = await classify(closed, bearer(KEY), photo('happy.jpg'));
    assert.equal(res.status, 200);
    await read(res);
    await expectPassed(await classify(closed, bearer(OTHER_KEY)));
  });
  test('a wrong key and malformed headers: 401 invalid_token', async () => {
    await expect401(await classify(closed, bearer(newKey())), true);
    for (const authorization of MALFORMED) await expect401(await classify(closed, { authorization }), true);
  });
  test('/healthz, /model and /openapi.json need no key', async () => {
    for (const path of ['/healthz', '/model', '/openapi.json']) {
      const res = await closed.fetch(path);
      assert.equal(res.status, 200, path);
      await read(res, path, 'GET');
    }
  });
  test('a preflight asking for Authorization is allowed without a key', async () => {
    for (const requested of ['authorization, content-type', 'Authorization']) {
      const res = await closed.fetch('/classify', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/i);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
      await read(res);
    }
    // A preflight naming no headers is still told that Authorization may be sent.
    const bare = await closed.fetch('/classify', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(bare.status, 204);
    assert.match(bare.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    await read(bare);
  });
});

describe('rate limits (ANON_LIMITER 3, KEY_LIMITER 5 a minute for this worker)', () => {
  // The limiter counts in fixed windows of the period: start well inside one.
  before(async () => {
    const into = (Date.now() / 1000) % RATE_LIMITS.periodSeconds;
    if (into > RATE_LIMITS.periodSeconds - 15) await new Promise((r) => setTimeout(r, (RATE_LIMITS.periodSeconds - into + 1) * 1000));
  });
  const from = (ip: string, headers: Record<string, string> = {}) => classify(limited, { 'cf-connecting-ip': ip, ...headers });

  async function expect429(res: Response, message?: string) {
    assert.equal(res.status, 429, message);
    assert.equal(res.headers.get('retry-after'), String(RATE_LIMITS.periodSeconds));
    assert.equal((await read(res)).error.code, 'rate_limited');
  }

  test('an address gets its limit, then 429 with Retry-After; a keyed client and other addresses are counted apart', async () => {
    for (let i = 0; i < LOW.anonymous; i++) await expectPassed(await from('203.0.113.7'));
    await expect429(await from('203.0.113.7'));
    await expect429(await from('203.0.113.7', { origin: 'https://app.example' }));
    await expectPassed(await from('203.0.113.8'));
    // The keyed client from the same address has its own limit.
    for (let i = 0; i < LOW.keyed; i++) await expectPassed(await from('203.0.113.7', bearer(KEY)));
    await expect429(await from('203.0.113.7', bearer(KEY)));
    await expect429(await from('198.51.100.1', bearer(KEY)), 'the key is counted wherever it comes from');
  });
  test('a cross-origin caller may read Retry-After', async () => {
    const res = await from('203.0.113.7', { origin: 'https://app.example' });
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
    await expect429(res);
  });
  test('IPv6 clients are counted by their /64', async () => {
    for (let i = 0; i < LOW.anonymous; i++) await expectPassed(await from(`2001:db8:1:2::${i + 1}`));
    await expect429(await from('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'));
    await expectPassed(await from('2001:db8:1:3::1'));
  });
  test('a wrong key is a 401 (not counted as the key), and a 401 is not a way round the limit', async () => {
    await expect401(await from('203.0.113.7', bearer(newKey())), true);
    await expect429(await from('203.0.113.7'));
  });
  test('preflights, /healthz, /model and /openapi.json are never limited', async () => {
    for (let i = 0; i < 3; i++) {
      for (const path of ['/healthz', '/model', '/openapi.json']) {
        const res = await limited.fetch(path, { headers: { 'cf-connecting-ip': '203.0.113.7' } });
        assert.equal(res.status, 200, path);
        await read(res, path, 'GET');
      }
      const pre = await limited.fetch('/classify', {
        method: 'OPTIONS',
        headers: {
          'cf-connecting-ip': '203.0.113.7',
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      assert.equal(pre.status, 204);
      await read(pre);
    }
  });
});

describe('configuration', () => {
  test('wrangler.toml: the deployed limits are RATE_LIMITS; [env.local] has the same bindings, far higher, and the same vars', () => {
    const [top, local] = [readConfig(CONFIG, ''), readConfig(CONFIG, 'local')];
    const byName = (c: any) => Object.fromEntries(c.ratelimits.map((r: any) => [r.name, r]));
    const [t, l] = [byName(top), byName(local)];
    assert.deepEqual(Object.keys(t).sort(), ['ANON_LIMITER', 'KEY_LIMITER']);
    assert.deepEqual(Object.keys(l).sort(), ['ANON_LIMITER', 'KEY_LIMITER']);
    assert.equal(t.ANON_LIMITER.simple.limit, RATE_LIMITS.anonymous);
    assert.equal(t.KEY_LIMITER.simple.limit, RATE_LIMITS.keyed);
    for (const r of [...Object.values(t), ...Object.values(l)] as any[]) assert.equal(r.simple.period, RATE_LIMITS.periodSeconds, r.name);
    for (const name of ['ANON_LIMITER', 'KEY_LIMITER']) {
      assert.equal(l[name].namespace_id, t[name].namespace_id);
      assert.ok(l[name].simple.limit >= 100_000, `${name} in [env.local] is high enough for the suites`);
    }
    assert.deepEqual(local.vars, top.vars);
    assert.equal(top.vars.REQUIRE_API_KEY, 'false');
    assert.equal(top.vars.API_KEYS, undefined, 'API_KEYS is a secret, not a var');
    assert.deepEqual(local.assets, top.assets, 'the local environment serves the same site');
    assert.deepEqual(local.rules, top.rules);
  });
  test('the pure parts: digest list, constant-time match, address keys', async () => {
    const d = parseDigests(`${DIGEST},, ${'x'.repeat(64)},${OTHER_DIGEST.toUpperCase()} `);
    assert.equal(d.length, 2);
    const bytes = new Uint8Array(Buffer.from(DIGEST, 'hex'));
    assert.ok(digestMatches(bytes, d));
    assert.ok(!digestMatches(bytes, []));
    const flipped = bytes.slice();
    flipped[31] ^= 1;
    assert.ok(!digestMatches(flipped, d));
    assert.equal(addressKey('2001:DB8:0:12:aaaa::1'), addressKey('2001:db8::12:0:0:0:2'));
    assert.equal(addressKey('::ffff:192.0.2.1'), addressKey('192.0.2.1'));
    assert.equal(addressKey(null), 'unknown');
    assert.equal(addressKey('not an address'), 'unknown');
    assert.notEqual(addressKey('2001:db8:0:12::1'), addressKey('2001:db8:0:13::1'));
  });
});

describe('secrets', () => {
  test('nothing of a key or its digest in any answer or log line (no 12 characters of one in a row)', () => {
    const logged = logs?.text() ?? '';
    assert.ok(answers.length > 50, `${answers.length} answers kept`);
    assert.match(logged, /POST \/classify 401/, 'the log was captured (miniflare logs each request)');
    const pieces = secrets.flatMap((s) => Array.from({ length: s.length - 11 }, (_, i) => s.slice(i, i + 12)));
    for (const piece of pieces) {
      assert.ok(!answers.some((a) => a.includes(piece)), 'an answer contains part of a key or digest');
      assert.ok(!logged.includes(piece), 'the log contains part of a key or digest');
    }
  });
});
