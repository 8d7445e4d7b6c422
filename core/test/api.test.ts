/** The API contract (src/api/): what the worker serves and the site documents. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALLOWED_METHODS,
  API_PATHS,
  ApiError,
  CLASSIFY_PARAMS,
  DEFAULT_CLASSIFY_PARAMS,
  ERROR_STATUS,
  isApiPath,
  LIMITS,
  mib,
  toApiError,
} from '../src/api/index.ts';
import { DEFAULT_DECODE_LIMITS } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';
import { DEFAULT_DETECTION_OPTIONS } from '../src/faces/find.ts';

test('every route has its methods, its own first', () => {
  assert.deepEqual(API_PATHS, ['/classify', '/model', '/healthz', '/openapi.json']);
  assert.deepEqual(Object.keys(ALLOWED_METHODS).sort(), [...API_PATHS].sort());
  assert.equal(ALLOWED_METHODS['/classify'].split(', ')[0], 'POST');
  for (const p of API_PATHS) assert.ok(ALLOWED_METHODS[p].endsWith('OPTIONS'), p);
  assert.ok(isApiPath('/model'));
  assert.ok(!isApiPath('/api') && !isApiPath('/classify/') && !isApiPath(''));
});

test('bad input is a 4xx, only our fault a 500', () => {
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    assert.ok(code === 'internal_error' ? status === 500 : status >= 400 && status < 500, code);
  }
  assert.equal(new ApiError('too_large', 'x').status, 413);
  const fromImage = toApiError(new ImageError('unsupported_media_type', 'a GIF'));
  assert.deepEqual([fromImage.code, fromImage.status, fromImage.message], ['unsupported_media_type', 415, 'a GIF']);
  const own = toApiError(new TypeError('secret detail'));
  assert.equal(own.status, 500);
  assert.ok(!own.message.includes('secret'));
});

test('each parameter default lies in its range', () => {
  for (const p of Object.values(CLASSIFY_PARAMS)) {
    if ('min' in p) assert.ok(p.min <= p.default && p.default <= p.max, p.name);
  }
  assert.deepEqual(DEFAULT_CLASSIFY_PARAMS, {
    detect: true,
    maxFaces: LIMITS.defaultMaxFaces,
    tta: true,
    minDetectionScore: DEFAULT_DETECTION_OPTIONS.scoreThreshold,
    minFaceSize: 0,
  });
  assert.equal(CLASSIFY_PARAMS.maxFaces.max, LIMITS.maxFaces);
});

test('core decoders default to the API scan limit', () => {
  assert.equal(DEFAULT_DECODE_LIMITS.maxJpegScans, LIMITS.maxJpegScans);
});

test('mib', () => {
  assert.equal(mib(LIMITS.maxBodyBytes), '16 MiB');
  assert.equal(mib(1.5 * 1024 * 1024), '1.5 MiB');
});
