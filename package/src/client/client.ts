/**
 * A typed client for POST /classify on any fetch (Node 20+, browsers, Workers, Deno: no Node
 * built-ins). The image goes as the raw body (`application/octet-stream`: the API sniffs JPEG or
 * PNG), the options as the query string (../options.ts). 429, 503 and network failures are tried
 * again (./retry.ts); each attempt has a timeout; the caller's AbortSignal stops it all at once.
 */

import type { ClassifyResponse } from '@emotion/core/api/response';
import { ROUTES } from '@emotion/core/api/routes';
import { EmotionEdgeError } from '../errors.ts';
import { type ClassifyOptions, toQuery } from '../options.ts';
import { isClassifyResponse, readErrorBody } from './answer.ts';
import { canDownscale, downscaleForUpload } from './downscale.ts';
import { DEFAULT_RETRY, parseRetryAfter, RETRY_STATUSES, type RetryPolicy, retryDelay, sleep } from './retry.ts';

/** What the client sends: a JPEG or PNG file's bytes. */
export type ClientImage = Uint8Array | ArrayBuffer | Blob;

/** One attempt's outcome, for callers that count (the load bench) or log. */
export interface AttemptInfo {
  /** 1 for the first request, 2 for its first retry, ... */
  attempt: number;
  /** The answer's status; null when none came (network failure, timeout). */
  status: number | null;
  /** Why it failed, when it did: the API's code or the client's (network_error, timeout, bad_response). */
  code: string | null;
  /** The wait before the next attempt in ms; null when there is none. */
  retryInMs: number | null;
  /** Milliseconds from sending to the answer (or failure). */
  ms: number;
}

export interface ClientOptions {
  /** The deployment, e.g. https://emotion-edge.example.workers.dev (its /classify is called). */
  baseUrl: string | URL;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Each attempt's limit in ms (default 30 000); a timed-out attempt counts as a network failure. */
  timeoutMs?: number;
  /** Retries and their waits (./retry.ts DEFAULT_RETRY). */
  retry?: Partial<RetryPolicy>;
  /** Hears every attempt. */
  onAttempt?: (info: AttemptInfo) => void;
  /**
   * In a browser, downscale each image to at most this many px on its longest side and send it as
   * JPEG (./downscale.ts; the answer's boxes are then in the downscaled image's pixels). Off by
   * default; where the browser cannot decode the image or there is no canvas, it goes as it is.
   */
  maxSide?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface Client {
  /** POST /classify: the answer, or EmotionEdgeError with the API's code, status and Retry-After. */
  classify(image: ClientImage, options?: ClassifyOptions, request?: RequestOptions): Promise<ClassifyResponse>;
}

/** One attempt: an answer or a thrown EmotionEdgeError, with the Retry-After it carried. */
type Outcome = { ok: true; answer: ClassifyResponse; status: number } | { ok: false; error: EmotionEdgeError; retryAfter: number | null };

async function readAnswer(res: Response, attempt: number): Promise<Outcome> {
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.ok) {
    if (isClassifyResponse(json)) return { ok: true, answer: json, status: res.status };
    const error = new EmotionEdgeError(
      'bad_response',
      `The server answered ${res.status} with something other than a /classify result.`,
      res.status,
      null,
      attempt,
    );
    return { ok: false, error, retryAfter: null };
  }
  const body = readErrorBody(json);
  const error = body
    ? new EmotionEdgeError(body.code, body.message, res.status, retryAfter, attempt)
    : new EmotionEdgeError(
        'bad_response',
        `The server answered ${res.status} without the API's error body.`,
        res.status,
        retryAfter,
        attempt,
      );
  return { ok: false, error, retryAfter };
}

export function createClient(options: ClientOptions): Client {
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new TypeError('No fetch: pass options.fetch.');
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const endpoint = new URL(ROUTES.classify.slice(1), String(options.baseUrl).replace(/\/?$/, '/'));
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function attemptOnce(url: URL, body: Uint8Array | Blob, attempt: number, signal?: AbortSignal): Promise<Outcome> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await fetchFn(url, { method: 'POST', headers, body: body as BodyInit, signal: timeout.signal });
      return await readAnswer(res, attempt);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = timeout.signal.aborted;
      const error = timedOut
        ? new EmotionEdgeError('timeout', `No answer within ${timeoutMs} ms.`, null, null, attempt, { cause: err })
        : new EmotionEdgeError('network_error', `The request failed: ${(err as Error)?.message ?? err}`, null, null, attempt, {
            cause: err,
          });
      return { ok: false, error, retryAfter: null };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async classify(image, classifyOptions = {}, request = {}) {
      const url = new URL(endpoint);
      url.search = toQuery(classifyOptions).toString();
      let body = image instanceof ArrayBuffer ? new Uint8Array(image) : image;
      if (options.maxSide && canDownscale())
        body =
          (await downscaleForUpload(body instanceof Blob ? body : new Blob([body as Uint8Array<ArrayBuffer>]), options.maxSide))?.body ??
          body;
      const { signal } = request;
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw signal.reason;
        const t0 = performance.now();
        const outcome = await attemptOnce(url, body, attempt, signal);
        const ms = performance.now() - t0;
        if (outcome.ok) {
          options.onAttempt?.({ attempt, status: outcome.status, code: null, retryInMs: null, ms });
          return outcome.answer;
        }
        const { error } = outcome;
        const retriable = error.status === null ? error.code !== 'bad_response' : RETRY_STATUSES.has(error.status);
        const wait = retriable ? retryDelay(policy, attempt, outcome.retryAfter) : null;
        options.onAttempt?.({ attempt, status: error.status, code: error.code, retryInMs: wait, ms });
        if (wait === null) throw error;
        await sleep(wait, signal);
      }
    },
  };
}
