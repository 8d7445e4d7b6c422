/**
 * Security headers on everything the Worker serves: the site's pages and assets and the API.
 *
 * The site (Astro, built with no inline scripts or styles: site/astro.config.mjs) loads its bundled
 * scripts and stylesheets from /_astro/, calls /classify on the same origin, and previews uploads
 * through blob: and data: images and a canvas. Its policy allows exactly that. API answers are JSON
 * that no browser should render or frame, so they get the strictest policy.
 */
import type { MiddlewareHandler } from 'hono';

export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
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
    res.headers.set('content-security-policy', isApi(c.req.path) ? API_CSP : SITE_CSP);
    c.res = undefined;
    c.res = res;
  };
}
