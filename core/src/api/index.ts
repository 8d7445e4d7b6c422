/**
 * The API contract, one module for every part: the worker serves it, /openapi.json and the site's
 * API page describe it, the site's client and the emotion-edge package read it. The request
 * parameters (./params.ts) and the answers (./response.ts) are schemas; the rest follows from them.
 */

export * from './answer.ts';
export * from './document.ts';
export * from './errors.ts';
export * from './example.ts';
export * from './limits.ts';
export * from './meta.ts';
export * from './model-id.ts';
export * from './model-info.ts';
export * from './params.ts';
export * from './parse-request.ts';
export * from './response.ts';
export * from './routes.ts';
