/**
 * Security headers on everything the Worker serves: the site's pages and assets and the API.
 *
 * The site (Astro, built with no inline scripts or styles: site/astro.config.mjs) loads its bundled
 * scripts and stylesheets from /_astro/, calls /classify on the same origin, and previews uploads
 * through blob: and data: images and a canvas, and plays a chosen video file from a blob: URL. Its
 * policy allows exactly that. API answers are JSON
 * that no browser should render or frame, so they get the strictest policy.
 *
 * On-device mode (site/src/scripts/ondevice/) runs onnxruntime-web in the page. It needs:
 * - 'wasm-unsafe-eval': compiling its WebAssembly (WebAssembly.instantiate of the fetched .wasm
 *   bytes) is blocked by a script-src without it. It allows WebAssembly only, not eval() or new
 *   Function(), and the .wasm itself comes from 'self' (connect-src).
 * - Its thread pool: module Workers started from its own script in /_astro/ ('self' through
 *   worker-src, stated rather than left to fall back to script-src); no blob: workers.
 * - Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages: COOP
 *   same-origin plus COEP require-corp on the site's pages and assets. The site loads nothing from
 *   other origins, and a call to a PUBLIC_API_BASE elsewhere is a CORS request, which COEP allows.
 *   The API's answers do not get COEP (it governs only documents and workers).
 */
import type { MiddlewareHandler } from 'hono';

export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  // A chosen video file plays (and is read for analysis) from a blob: URL of the page's own; nothing else.
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Headers every answer carries (the CSP is added per kind of answer). */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // The upload page may open the camera (an <input capture>); nothing else is wanted.
  'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  // Browsers ignore it over plain http (local development); on the edge it pins https.
  'strict-transport-security': 'max-age=31536000',
};

/**
 * Adds the headers to every response. `isApi(path)` picks the API policy. Responses from the
 * assets binding may have immutable headers, so the response is copied before it is changed.
 */
export function securityHeaders(isApi: (path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = new Response(c.res.body, c.res);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
    const api = isApi(c.req.path);
    res.headers.set('content-security-policy', api ? API_CSP : SITE_CSP);
    if (!api) res.headers.set('cross-origin-embedder-policy', 'require-corp');
    c.res = undefined;
    c.res = res;
  };
}
