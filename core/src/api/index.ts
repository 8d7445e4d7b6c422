/**
 * The API contract, one module for every part: the worker serves it, /openapi.json and the site's
 * API page describe it, the site's client reads it.
 */

export * from './errors.ts';
export * from './limits.ts';
export * from './params.ts';
export * from './response.ts';
export * from './routes.ts';
