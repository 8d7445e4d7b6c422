/** The API's error shape: `{ "error": { "code", "message" } }`, each code with its one HTTP status. */
import { ImageError, type ImageErrorCode } from '../errors.ts';

export type ErrorCode =
  | ImageErrorCode
  | 'empty_body'
  | 'missing_image'
  | 'bad_request'
  | 'bad_parameter'
  | 'conflicting_parameter'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'internal_error';

export type ErrorStatus = 400 | 401 | 404 | 405 | 413 | 415 | 429 | 500;

export const ERROR_STATUS: Record<ErrorCode, ErrorStatus> = {
  corrupt_image: 400,
  bad_box: 400,
  empty_body: 400,
  missing_image: 400,
  bad_request: 400,
  bad_parameter: 400,
  conflicting_parameter: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
};

/** An error the API answers with its code's status; thrown by request parsing. */
export class ApiError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

/** Maps anything thrown to an ApiError. Only a fault of ours becomes a 500 (and says nothing of the input). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ImageError) return new ApiError(err.code, err.message);
  return new ApiError('internal_error', 'The server failed to process the request.');
}
