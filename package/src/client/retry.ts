/**
 * When to try a request again and how long to wait: 429 (after its Retry-After), 503 and network
 * failures, with exponential backoff and full jitter (so clients that failed together do not come
 * back together), a cap per wait, and a cap on attempts.
 */

export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries: number;
  /** The first backoff's ceiling in ms, doubled each attempt (default 250). */
  baseDelayMs: number;
  /** The longest wait before one attempt, Retry-After included (default 30 000): a longer Retry-After is given up on at once. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Statuses worth another try: the limiter's 429 and an overloaded or restarting server's 503. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Retry-After in seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first), or null to give up: the
 * server's Retry-After when it sent one (plus up to one base delay of jitter), else a random wait
 * up to base * 2^(retry-1), capped.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterSeconds: number | null, random = Math.random): number | null {
  if (retry > policy.retries) return null;
  if (retryAfterSeconds !== null) {
    const ms = retryAfterSeconds * 1000 + random() * policy.baseDelayMs;
    return ms > policy.maxDelayMs ? null : ms;
  }
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
