/**
 * The installed package's client (emotion-edge/client) against the real Worker in workerd: an
 * answer, a 401 for a wrong key (not retried), a 429 from a low limiter (typed, with Retry-After;
 * waited out and retried), and against tiny local servers for what the Worker never does: a 503,
 * a malformed answer, a dropped connection, no answer (timeout), and an abort while it waits.
 */
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunningWorker } from '@emotion/workerd-harness';
import { PHOTOS_DEV, photoFiles, photosSkip, run, startWorker } from './helpers.ts';
import { installPackage } from './install.ts';

type ClientModule = typeof import('../src/client/index.ts');

const skip = photosSkip();
const KEY = Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString('base64url');
let lib: ClientModule;
let keyed: RunningWorker;
let limited: RunningWorker;
let photo: Uint8Array;
/** The limiter's window here: the binding allows 10 or 60 seconds; the Worker's Retry-After says the deployed 60. */
const PERIOD = 10;

before(async () => {
  if (skip) return;
  const inst = installPackage();
  lib = await import(pathToFileURL(join(inst.pkg, 'dist', 'client.js')).href);
  photo = readFileSync(join(PHOTOS_DEV, 'happy_01.jpg'));
  const digest = Buffer.from(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(KEY))).toString('hex');
  [keyed, limited] = await Promise.all([
    startWorker({ API_KEYS: { type: 'secret_text', value: digest } }),
    startWorker({ ANON_LIMITER: { type: 'ratelimit', namespace_id: '2001', simple: { limit: 1, period: PERIOD } } }),
  ]);
});
after(async () => {
  await Promise.all([keyed?.dispose(), limited?.dispose()]);
});

/** A local server whose n-th request (from 0) is answered by `handle`. */
async function serve(
  handle: (n: number, req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>,
): Promise<{ url: string; server: Server; count: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => void handle(n++, req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, count: () => n };
}
const close = (s: Server) => new Promise((r) => s.close(r));

/** Passes the request on to the Worker and its answer back, Retry-After replaced when `retryAfter` says. */
async function forward(worker: RunningWorker, req: IncomingMessage, res: ServerResponse, body: Buffer, retryAfter?: string) {
  // Only what the API reads and answers: the rest (content-encoding, lengths) describes the hop, not the answer.
  const pass = (names: string[], from: (n: string) => string | null | undefined) =>
    Object.fromEntries(names.flatMap((n) => (from(n) ? [[n, String(from(n))]] : [])));
  const answer = await worker.fetch(req.url ?? '/', {
    method: req.method,
    headers: pass(['content-type', 'authorization'], (n) => req.headers[n] as string | undefined),
    body: new Uint8Array(body),
  });
  const headers = pass(['content-type', 'retry-after'], (n) => answer.headers.get(n));
  if (retryAfter && headers['retry-after']) headers['retry-after'] = retryAfter;
  res.writeHead(answer.status, headers);
  res.end(Buffer.from(await answer.arrayBuffer()));
}

const attemptsOf = () => {
  const seen: { attempt: number; status: number | null; code: string | null; retryInMs: number | null; at: number }[] = [];
  return { seen, onAttempt: (a: Omit<(typeof seen)[number], 'at'>) => seen.push({ ...a, at: performance.now() }) };
};

describe('the client against the Worker in workerd', { skip }, () => {
  test('an answer with the right key; a 401 with a wrong one, not retried', async () => {
    const ok = await lib.createClient({ baseUrl: keyed.url, apiKey: KEY }).classify(photo, { max_faces: 2 });
    assert.equal(ok.faces.length, 1);
    assert.equal(ok.emotion, 'happy');
    const { seen, onAttempt } = attemptsOf();
    await assert.rejects(
      lib.createClient({ baseUrl: keyed.url, apiKey: `${KEY.slice(0, -2)}xx`, onAttempt }).classify(photo),
      (e: InstanceType<ClientModule['EmotionEdgeError']>) => {
        assert.ok(e instanceof lib.EmotionEdgeError);
        assert.equal(e.code, 'unauthorized');
        assert.equal(e.status, 401);
        assert.equal(e.attempts, 1);
        return true;
      },
    );
    assert.equal(seen.length, 1);
  });

  test("a bad option is the API's 400, as the local analyzer says it", async () => {
    await assert.rejects(lib.createClient({ baseUrl: keyed.url, apiKey: KEY }).classify(photo, { max_faces: 0 }), {
      code: 'bad_parameter',
      status: 400,
    });
  });

  test('429: typed with Retry-After, not waited for past the cap; waited out and retried under it', async () => {
    const once = lib.createClient({ baseUrl: limited.url, retry: { retries: 0 } });
    // Spends what the window holds (miniflare's limiter lets a request or so past the limit).
    const exhaust = async () => {
      for (let i = 0; i < 5; i++)
        if (
          await once.classify(photo).then(
            () => false,
            (e) => e.status === 429,
          )
        )
          return;
      assert.fail('the limiter never answered 429');
    };
    await exhaust();
    const { seen, onAttempt } = attemptsOf();
    await assert.rejects(
      lib.createClient({ baseUrl: limited.url, onAttempt }).classify(photo),
      (e: InstanceType<ClientModule['EmotionEdgeError']>) => {
        assert.equal(e.code, 'rate_limited');
        assert.equal(e.status, 429);
        assert.equal(e.retryAfter, 60); // over the default 30 s cap: given up at once
        return true;
      },
    );
    assert.deepEqual(
      seen.map((s) => [s.status, s.retryInMs]),
      [[429, null]],
    );
    // Through a proxy that says this limiter's own window: the client waits it out, the retry is served.
    const proxy = await serve((_, req, res, body) => forward(limited, req, res, body, String(PERIOD)));
    try {
      await exhaust();
      const waited = attemptsOf();
      const t0 = performance.now();
      const answer = await lib.createClient({ baseUrl: proxy.url, onAttempt: waited.onAttempt, retry: { retries: 3 } }).classify(photo);
      assert.equal(answer.emotion, 'happy');
      const limitedTries = waited.seen.filter((s) => s.status === 429);
      assert.ok(limitedTries.length >= 1, 'the first attempt met the limit');
      for (const s of limitedTries) assert.ok(s.retryInMs !== null && s.retryInMs >= PERIOD * 1000, `waited ${s.retryInMs} ms`);
      assert.ok(performance.now() - t0 >= PERIOD * 1000);
      assert.equal(waited.seen.at(-1)?.status, 200);
    } finally {
      await close(proxy.server);
    }
  });
});

describe('the client against servers that misbehave', { skip }, () => {
  const fast = { baseDelayMs: 20 };

  test("503 then the Worker's answer: retried after a backoff", async () => {
    const s = await serve((n, req, res, body) => {
      if (n === 0) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'busy' } }));
      } else return forward(keyed, req, res, body);
    });
    try {
      const { seen, onAttempt } = attemptsOf();
      const answer = await lib.createClient({ baseUrl: s.url, apiKey: KEY, onAttempt, retry: fast }).classify(photo);
      assert.equal(answer.emotion, 'happy');
      assert.deepEqual(
        seen.map((a) => a.status),
        [503, 200],
      );
    } finally {
      await close(s.server);
    }
  });

  test('a malformed answer is bad_response, not retried', async () => {
    for (const [status, body] of [
      [200, 'not json'],
      [200, '{"faces": "none"}'],
      [502, '<html>bad gateway</html>'],
    ] as const) {
      const s = await serve((_, __, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
      try {
        await assert.rejects(lib.createClient({ baseUrl: s.url, retry: fast }).classify(photo), {
          code: 'bad_response',
          status,
          attempts: 1,
        });
        assert.equal(s.count(), 1);
      } finally {
        await close(s.server);
      }
    }
  });

  test('a dropped connection is retried (then answered), and is network_error once the retries are spent', async () => {
    const drop = (req: IncomingMessage) => void req.socket.destroy();
    const once = await serve((n, req, res, body) => (n === 0 ? drop(req) : forward(keyed, req, res, body)));
    const always = await serve((_, req) => drop(req));
    try {
      const answer = await lib.createClient({ baseUrl: once.url, apiKey: KEY, retry: fast }).classify(photo);
      assert.equal(answer.emotion, 'happy');
      assert.equal(once.count(), 2);
      await assert.rejects(lib.createClient({ baseUrl: always.url, retry: { ...fast, retries: 2 } }).classify(photo), {
        code: 'network_error',
        status: null,
        attempts: 3,
      });
      assert.equal(always.count(), 3);
    } finally {
      await Promise.all([close(once.server), close(always.server)]);
    }
  });

  test('no answer: timeout; an AbortSignal stops it at once, waits included', async () => {
    const silent = await serve(() => {});
    try {
      await assert.rejects(lib.createClient({ baseUrl: silent.url, timeoutMs: 200, retry: { retries: 0 } }).classify(photo), {
        code: 'timeout',
        status: null,
      });
      const controller = new AbortController();
      const t0 = performance.now();
      setTimeout(() => controller.abort(new Error('stopped by the caller')), 150);
      await assert.rejects(
        lib
          .createClient({ baseUrl: silent.url, timeoutMs: 100, retry: { retries: 5, baseDelayMs: 5000 } })
          .classify(photo, {}, { signal: controller.signal }),
        /stopped by the caller/,
      );
      assert.ok(performance.now() - t0 < 1000);
    } finally {
      silent.server.closeAllConnections();
      await close(silent.server);
    }
  });
});

describe('the command line with --api', { skip }, () => {
  test('after a 429 no new request starts before its Retry-After; every photo is answered', async () => {
    const arrivals: { n: number; at: number }[] = [];
    const s = await serve((n, req, res, body) => {
      arrivals.push({ n, at: performance.now() });
      if (n === 0) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests; try again in 2 seconds.' } }));
      } else return forward(keyed, req, res, body);
    });
    try {
      const files = photoFiles().slice(0, 3);
      const r = await run(process.execPath, [installPackage().bin, '--api', s.url, '--jobs', '2', ...files], {
        env: { ...process.env, EMOTION_EDGE_API_KEY: KEY },
      });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, 3);
      assert.ok(lines.every((l) => Array.isArray(l.faces)));
      // Two start together; the first meets a 429 (Retry-After: 2). Nothing else starts before then:
      // neither its retry nor the third photo, though a slot is free once the second is answered.
      assert.equal(arrivals.length, 4);
      for (const a of arrivals.slice(2))
        assert.ok(a.at - arrivals[0].at >= 2000, `request ${a.n} came ${Math.round(a.at - arrivals[0].at)} ms after the 429`);
    } finally {
      await close(s.server);
    }
  });
});
