/**
 * CORS for the API. `CORS_ALLOWED_ORIGINS` (wrangler.toml [vars]) is "*" (any origin, never with
 * credentials) or a comma-separated list of origins, which are echoed back with credentials allowed.
 * A preflight is answered here and never needs an API key (it never reaches src/auth.ts).
 * Not hono/cors (issue 29 weighed it): with credentials on it grants them to every origin, a refused
 * one included, and it answers every OPTIONS as a preflight, where a plain OPTIONS here gets `Allow`.
 */
import type { MiddlewareHandler } from 'hono';

export interface CorsEnv {
  CORS_ALLOWED_ORIGINS?: string;
}

const METHODS = 'GET, POST, OPTIONS';
/** Allowed when a preflight names none; a preflight's own list is echoed (so `Authorization` is allowed). */
const HEADERS = 'content-type, authorization';
/** What a cross-origin caller may read beyond the safelisted headers: when to retry, why a key failed. */
const EXPOSE = 'retry-after, www-authenticate';
const MAX_AGE = '86400';

export function parseAllowedOrigins(value: string | undefined): '*' | Set<string> {
  const list = (value ?? '*')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (list.length === 0 || list.includes('*')) return '*';
  return new Set(list);
}

/** The CORS headers for a request from `origin` (none when that origin is not allowed). */
export function corsHeaders(origin: string | null, allowed: '*' | Set<string>): Record<string, string> {
  if (allowed === '*') return { 'access-control-allow-origin': '*' };
  const h: Record<string, string> = { vary: 'Origin' };
  if (origin && allowed.has(origin)) {
    h['access-control-allow-origin'] = origin;
    h['access-control-allow-credentials'] = 'true';
  }
  return h;
}

export function cors(): MiddlewareHandler<{ Bindings: CorsEnv }> {
  return async (c, next) => {
    const allowed = parseAllowedOrigins(c.env?.CORS_ALLOWED_ORIGINS);
    const origin = c.req.header('origin') ?? null;
    const headers = corsHeaders(origin, allowed);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const preflight: Record<string, string> = { ...headers };
      if (preflight['access-control-allow-origin']) {
        preflight['access-control-allow-methods'] = METHODS;
        preflight['access-control-allow-headers'] = c.req.header('access-control-request-headers') ?? HEADERS;
        preflight['access-control-max-age'] = MAX_AGE;
      }
      if (allowed !== '*') preflight.vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      return new Response(null, { status: 204, headers: preflight });
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
    if (headers['access-control-allow-origin']) c.res.headers.set('access-control-expose-headers', EXPOSE);
  };
}
