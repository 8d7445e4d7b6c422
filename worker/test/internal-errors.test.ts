/**
 * Bad input is a 4xx, our own bug a 500: toApiError (what the Worker's onError and the fuzz runner
 * apply to anything thrown) keeps an ImageError's code and turns any other exception into a 500
 * `internal_error` JSON answer that says nothing of the input. The one log line of it (the error's
 * class name) is no-storage.test.ts's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageError } from '@emotion/core';
import { toApiError } from '@emotion/core/api';
import { errorResponse } from '../src/errors.ts';

test('an ImageError keeps its 4xx; a TypeError or RangeError of our own code is a 500 internal_error', async () => {
  for (const [err, status, code] of [
    [new ImageError('corrupt_image', 'x'), 400, 'corrupt_image'],
    [new ImageError('too_large', 'x'), 413, 'too_large'],
    [new ImageError('unsupported_media_type', 'x'), 415, 'unsupported_media_type'],
    [new TypeError("Cannot read properties of undefined (reading 'length') of pixel 0xffd8"), 500, 'internal_error'],
    [new RangeError('offset is out of bounds'), 500, 'internal_error'],
    ['a string', 500, 'internal_error'],
  ] as const) {
    const res = errorResponse(toApiError(err));
    assert.equal(res.status, status, String(err));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json();
    assert.equal(body.error.code, code);
    if (status === 500) assert.equal(body.error.message, 'The server failed to process the request.', 'nothing of the error or the input');
  }
});
