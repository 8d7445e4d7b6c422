/** The API's error shape: `{ "error": { "code", "message" } }` with a 4xx status for bad input. */
import type { ImageErrorCode } from '@emotion/core';
import { ImageError } from '@emotion/core';

export type ErrorCode =
  | ImageErrorCode
  | 'empty_body'
  | 'missing_image'
  | 'bad_request'
  | 'bad_parameter'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'internal_error';

export const ERROR_STATUS: Record<ErrorCode, 400 | 401 | 404 | 405 | 413 | 415 | 429 | 500> = {
  corrupt_image: 400,
  bad_box: 400,
  empty_body: 400,
  missing_image: 400,
  bad_request: 400,
  bad_parameter: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Maps anything thrown to an ApiError. Only a fault of ours becomes a 500 (and says nothing of the input). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ImageError) return new ApiError(err.code, err.message);
  return new ApiError('internal_error', 'The server failed to process the request.');
}

export function errorResponse(err: ApiError, headers?: HeadersInit): Response {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  const h = new Headers(headers);
  h.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { status: err.status, headers: h });
}
