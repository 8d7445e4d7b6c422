/**
 * API keys and per-client rate limits for POST /classify (the only route that costs CPU).
 *
 * - `API_KEYS` (a secret: `wrangler secret put API_KEYS`, locally `.dev.vars`): comma-separated
 *   lowercase SHA-256 hex digests of the accepted keys; the keys themselves are stored nowhere.
 * - `REQUIRE_API_KEY` (a var, "true" or "false"): whether a request without a key is refused.
 * - `Authorization: Bearer <key>`: the key's SHA-256 is compared with every accepted digest in
 *   constant time. A wrong or malformed one is a 401, as is a missing one when keys are required;
 *   without one (not required) the client is anonymous.
 * - `ANON_LIMITER` / `KEY_LIMITER` (wrangler.toml `[[ratelimits]]`): anonymous clients are counted
 *   by `CF-Connecting-IP` (an IPv6 address by its /64), keyed ones by their key's digest. Over the
 *   limit: 429 with `Retry-After`. A missing binding limits nothing.
 *
 * Nothing of a key or its digest is logged or answered.
 */

import { ApiError, RATE_LIMITS } from '@emotion/core/api';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';

/** The Rate Limiting binding (workers-types' RateLimit), as much of it as is used. */
export interface Limiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface AuthEnv {
  API_KEYS?: string;
  REQUIRE_API_KEY?: string;
  ANON_LIMITER?: Limiter;
  KEY_LIMITER?: Limiter;
}

export const REALM = 'emotion-edge';

/** RFC 6750's b64token, at a sane length: a generated key is 43 characters. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{16,256}=*) *$/i;
const DIGEST = /^[0-9a-f]{64}$/;

/** The accepted digests as bytes; malformed entries are dropped. Parsed once per value (per isolate). */
let parsed: { source: string; digests: Uint8Array[] } | undefined;
export function parseDigests(value: string | undefined): Uint8Array[] {
  const source = value ?? '';
  if (parsed?.source === source) return parsed.digests;
  const digests = source
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => DIGEST.test(s))
    .map((hex) => Uint8Array.from({ length: 32 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)));
  parsed = { source, digests };
  return digests;
}

export function requiresKey(value: string | undefined): boolean {
  return /^\s*(true|1|yes)\s*$/i.test(value ?? '');
}

/** Whether `digest` is one of `accepted`: every byte of every entry is compared, nothing exits early. */
export function digestMatches(digest: Uint8Array, accepted: Uint8Array[]): boolean {
  let found = 0;
  for (const candidate of accepted) {
    let diff = candidate.length ^ digest.length;
    for (let i = 0; i < 32; i++) diff |= (candidate[i] ?? 0) ^ (digest[i] ?? 0);
    found |= ((diff - 1) >>> 31) & 1; // 1 when diff is 0, without a branch
  }
  return found === 1;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The rate-limit key of an anonymous client: its IPv4 address, or the /64 prefix of its IPv6
 * address (one subscriber's network), normalised; "unknown" for anything else.
 */
export function addressKey(ip: string | null | undefined): string {
  const value = (ip ?? '').trim();
  const v4 = ipv4(value);
  if (v4) return `ip4:${v4}`;
  const v6 = ipv6(value.replace(/%.*$/, ''));
  if (!v6) return 'unknown';
  // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 client.
  if (v6.slice(0, 5).every((h) => h === 0) && v6[5] === 0xffff) return `ip4:${v6[6] >> 8}.${v6[6] & 255}.${v6[7] >> 8}.${v6[7] & 255}`;
  return `ip6:${v6
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}

function ipv4(s: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts.join('.') : null;
}

/** The 8 hextets of an IPv6 address (`::` and a trailing dotted IPv4 part allowed), or null. */
function ipv6(s: string): number[] | null {
  if (!s.includes(':') || s.length > 45) return null;
  let text = s;
  const dotted = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const v4 = ipv4(dotted[1]);
    if (!v4) return null;
    const [a, b, c, d] = v4.split('.').map(Number);
    text = `${text.slice(0, dotted.index + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const hextets = (part: string) => (part === '' ? [] : part.split(':').map((h) => (/^[0-9a-f]{1,4}$/i.test(h) ? parseInt(h, 16) : NaN)));
  const left = hextets(halves[0]);
  const right = halves.length === 2 ? hextets(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...new Array<number>(missing).fill(0), ...right];
  return all.every((h) => Number.isInteger(h)) ? all : null;
}

function unauthorized(message: string, invalidToken: boolean): Response {
  const challenge = `Bearer realm="${REALM}"` + (invalidToken ? ', error="invalid_token"' : '');
  return errorResponse(new ApiError('unauthorized', message), { 'www-authenticate': challenge });
}

/** API key check, then the client's rate limit; put in front of the handler of a costly route. */
export function apiAccess(): MiddlewareHandler<{ Bindings: AuthEnv }> {
  return async (c, next) => {
    const env = c.env ?? {};
    const header = c.req.header('authorization');
    let digest: Uint8Array | null = null;
    if (header !== undefined) {
      const m = BEARER.exec(header);
      if (!m) return unauthorized('The Authorization header must be "Bearer <API key>".', true);
      digest = await sha256(m[1]);
      if (!digestMatches(digest, parseDigests(env.API_KEYS))) return unauthorized('The API key is not valid.', true);
    } else if (requiresKey(env.REQUIRE_API_KEY)) {
      return unauthorized('This endpoint needs an API key: send "Authorization: Bearer <API key>".', false);
    }

    const limiter = digest ? env.KEY_LIMITER : env.ANON_LIMITER;
    if (limiter) {
      const key = digest ? `key:${hex(digest)}` : addressKey(c.req.header('cf-connecting-ip'));
      const { success } = await limiter.limit({ key });
      if (!success) {
        const seconds = RATE_LIMITS.periodSeconds;
        return errorResponse(
          new ApiError('rate_limited', `Too many requests from this ${digest ? 'API key' : 'address'}; try again in ${seconds} seconds.`),
          { 'retry-after': String(seconds) },
        );
      }
    }
    await next();
  };
}
