/** The Worker: the API (Hono) in front of the static site (Workers static assets). */
import { ALLOWED_METHODS, API_PATHS, ApiError, type Health, isApiPath, ROUTES, toApiError } from '@emotion/core/api';
import { Hono } from 'hono';
import { type AuthEnv, apiAccess } from './auth.ts';
import { handleClassify } from './classify.ts';
import { type CorsEnv, cors } from './cors.ts';
import { isEngineReady } from './engine.ts';
import { errorResponse } from './errors.ts';
import { modelInfo } from './model-info.ts';
import { openapi } from './openapi.ts';
import { securityHeaders } from './security-headers.ts';

export interface Env extends CorsEnv, AuthEnv {
  ASSETS?: Fetcher;
}

const app = new Hono<{ Bindings: Env }>();

// CSP, nosniff, frame and referrer policies on everything, site and API (src/security-headers.ts).
app.use('*', securityHeaders(isApiPath));

for (const path of API_PATHS) {
  app.use(path, cors());
  // Classifications are never cached.
  app.use(path, async (c, next) => {
    await next();
    if (path === ROUTES.classify) c.res.headers.set('cache-control', 'no-store');
  });
}

// Only /classify costs CPU: it alone takes API keys and is rate-limited (src/auth.ts). Preflights
// are answered by cors() above and never reach it.
app.post(ROUTES.classify, apiAccess(), async (c) => c.json(await handleClassify(c.req.raw)));
app.get(ROUTES.model, (c) => c.json(modelInfo()));
const runtime = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown';
app.get(ROUTES.healthz, (c) => c.json({ status: 'ok', runtime, model_loaded: isEngineReady() } satisfies Health));
app.get(ROUTES.openapi, (c) => c.json(openapi));

for (const path of API_PATHS) {
  app.all(path, (c) => {
    const allow = ALLOWED_METHODS[path];
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow } });
    return errorResponse(new ApiError('method_not_allowed', `${c.req.method} is not allowed on ${path}; use ${allow.split(', ')[0]}.`), {
      allow,
    });
  });
}

// Everything else is the static site; paths it does not have answer a JSON 404.
app.all('*', async (c) => {
  if (c.env?.ASSETS && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
    const res = await c.env.ASSETS.fetch(c.req.raw);
    // The site's own 404 page (HTML) stands; a bare 404 becomes the API's JSON error.
    if (res.status !== 404 || (res.headers.get('content-type') ?? '').includes('text/html')) return res;
  }
  return errorResponse(new ApiError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
});

// Bad input arrives here as ApiError / ImageError (4xx); anything else is our fault (500) and says
// nothing about the upload. Nothing of the image is ever logged.
app.onError((err, _c) => {
  const apiErr = toApiError(err);
  if (apiErr.status >= 500) console.error('internal error:', err instanceof Error ? err.name : typeof err);
  return errorResponse(apiErr);
});

export default app;
