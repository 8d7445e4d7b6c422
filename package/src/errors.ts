/**
 * The one error the package throws for an answer it cannot give: the API's own code and status
 * (`bad_box` 400, `rate_limited` 429, ...), whether the API said it or the local analyzer did, plus
 * the client's own: the network failed, an attempt timed out, or the server's answer was not one.
 */
import { ApiError, ERROR_STATUS, type ErrorCode } from '@emotion/core/api/errors';
import { ImageError } from '@emotion/core/errors';

export type ClientErrorCode = 'network_error' | 'timeout' | 'bad_response';
export type EmotionEdgeErrorCode = ErrorCode | ClientErrorCode;

export class EmotionEdgeError extends Error {
  override readonly name = 'EmotionEdgeError';
  constructor(
    readonly code: EmotionEdgeErrorCode,
    message: string,
    /** The HTTP status (the API's, or what the analyzer's answer would have been); null when none came. */
    readonly status: number | null = null,
    /** Seconds the server asked to wait (`Retry-After`), on a 429 or 503. */
    readonly retryAfter: number | null = null,
    /** How many requests were sent before this error (the client's retries included). */
    readonly attempts = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Core's errors as the API would answer them; anything else (a bug, a runtime failure) goes on as it is. */
export function fromCoreError(err: unknown): unknown {
  if (err instanceof ApiError || err instanceof ImageError) {
    return new EmotionEdgeError(err.code, err.message, ERROR_STATUS[err.code], null, 1, { cause: err });
  }
  return err;
}
