/** The API's error as a Response: the contract's shape and status (@emotion/core/api errors.ts). */
import type { ApiError, ErrorBody } from '@emotion/core/api';

export function errorResponse(err: ApiError, headers?: HeadersInit): Response {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { status: err.status, headers: h });
}
