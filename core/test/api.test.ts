/** The API contract (src/api/): what the worker serves and the site documents. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALLOWED_METHODS,
  ANALYZE_LIMITS,
  API_PATHS,
  ApiError,
  ClassifyResponseSchema,
  DECODE_LIMITS,
  DEFAULT_CLASSIFY_PARAMS,
  ERROR_STATUS,
  EXAMPLE_ANSWER,
  FaceSchema,
  formSchema,
  isApiPath,
  LIMITS,
  mib,
  queryParameters,
  readParams,
  toApiError,
} from '../src/api/index.ts';
import { DEFAULT_DECODE_LIMITS } from '../src/decode.ts';
import { ImageError } from '../src/errors.ts';

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
  assert.equal(new ApiError('conflicting_parameter', 'x').status, 400);
  const fromImage = toApiError(new ImageError('unsupported_media_type', 'a GIF'));
  assert.deepEqual([fromImage.code, fromImage.status, fromImage.message], ['unsupported_media_type', 415, 'a GIF']);
  const own = toApiError(new TypeError('secret detail'));
  assert.equal(own.status, 500);
  assert.ok(!own.message.includes('secret'));
});

test('a request that sets nothing gets the documented defaults', () => {
  assert.deepEqual(DEFAULT_CLASSIFY_PARAMS, {
    boxes: undefined,
    detect: true,
    maxFaces: 50,
    tta: true,
    minDetectionScore: 0.5,
    minFaceSize: 0,
  });
  const documented = Object.fromEntries(queryParameters().map((p: any) => [p.name, p.schema.default]));
  assert.deepEqual(documented, {
    box: undefined,
    boxes: undefined,
    detect: 'true',
    max_faces: 50,
    min_detection_score: 0.5,
    min_face_size: 0,
    tta: 'true',
  });
});

test('one limits object, in bytes; every decoder defaults to it', () => {
  assert.equal(LIMITS.maxDecodeBytes, 62_914_560);
  assert.equal(LIMITS.maxBodyBytes, 16_777_216);
  assert.deepEqual(ANALYZE_LIMITS, {
    maxPixelsStreamed: 67_108_864,
    maxPixelsHeld: 24_000_000,
    maxSide: 8192,
    maxDecodeBytes: 62_914_560,
    maxJpegScans: 100,
    maxDetections: 100,
  });
  assert.deepEqual(DECODE_LIMITS, { maxPixels: 67_108_864, maxMemoryMB: 60, maxJpegScans: 100 });
  assert.deepEqual(DEFAULT_DECODE_LIMITS, DECODE_LIMITS);
});

const read = (query: string, form: Record<string, string> = {}) => readParams(new URLSearchParams(query), new URLSearchParams(form));
const refused = (query: string, code: string, message: RegExp, form: Record<string, string> = {}) =>
  assert.throws(
    () => read(query, form),
    (e: ApiError) => e instanceof ApiError && e.code === code && message.test(e.message),
    `${query} ${JSON.stringify(form)}`,
  );

test('numbers: any JSON or JavaScript spelling in range (issue 29)', () => {
  assert.equal(read('min_detection_score=0.5555555').min_detection_score, 0.5555555);
  assert.equal(read('min_detection_score=1e-05').min_detection_score, 0.00001);
  assert.equal(read(`min_detection_score=${String(1 / 3)}`).min_detection_score, 1 / 3);
  assert.equal(read('min_face_size=5649.1156108').min_face_size, 5649.1156108);
  assert.equal(read('min_face_size=1E3').min_face_size, 1000);
  assert.equal(read('max_faces=7').max_faces, 7);
  assert.equal(read('max_faces=7.0').max_faces, 7);
  refused('max_faces=0', 'bad_parameter', /^max_faces must be a whole number from 1 to 100 \(got "0"\)\.$/);
  refused('max_faces=2.5', 'bad_parameter', /whole number/);
  refused('min_detection_score=2', 'bad_parameter', /^min_detection_score must be a number from 0 to 1 \(got "2"\)\.$/);
  refused('min_detection_score=1e400', 'bad_parameter', /from 0 to 1/);
  for (const bad of ['abc', '', '0x10', 'Infinity', 'NaN', ' 1', '1,5'])
    refused(`min_face_size=${encodeURIComponent(bad)}`, 'bad_parameter', /min_face_size must be a number from 0 to 8192/);
});

test('flags: exactly true, false, 1 or 0', () => {
  assert.equal(read('tta=0').tta, false);
  assert.equal(read('tta=true').tta, true);
  assert.equal(read('detect=false').detect, false);
  refused('tta=TRUE', 'bad_parameter', /^tta must be one of true, false, 1, 0 \(got "TRUE"\)\.$/);
  refused('detect=yes', 'bad_parameter', /^detect must be one of/);
});

test('box and boxes: the documented pattern and length, and which entry is wrong', () => {
  assert.deepEqual(read('box=0, 0,10,10').box, { x: 0, y: 0, w: 10, h: 10 });
  assert.deepEqual(read('boxes=1,2,3,4;5.5,6,7,8').boxes, [
    { x: 1, y: 2, w: 3, h: 4 },
    { x: 5.5, y: 6, w: 7, h: 8 },
  ]);
  refused('box=0,0,0,0', 'bad_box', /^box width and height must be at least 1 pixel/);
  refused('box=0,0,0.5,10', 'bad_box', /at least 1 pixel/);
  refused('box=u', 'bad_box', /^box must be four non-negative numbers "x,y,w,h" in pixels \(got "u"\)\.$/);
  refused(`box=${'1'.repeat(95)},1,1,1`, 'bad_box', /^box must be at most 100 characters \(got 101\)\.$/);
  refused('boxes=1,1,5,5;1,1,0,5', 'bad_box', /^boxes entry 2: box width and height must be at least 1 pixel/);
  refused(`boxes=${Array(101).fill('1,1,5,5').join(';')}`, 'bad_box', /^boxes holds 101 boxes; at most 100/);
  refused('box=1,1,5,5&boxes=1,1,5,5', 'bad_box', /^Send box or boxes, not both\.$/);
});

test('a parameter given twice: the same meaning is accepted, different ones are conflicting_parameter', () => {
  assert.equal(read('tta=false', { tta: '0' }).tta, false);
  assert.deepEqual(read('box=0, 0,10,10', { box: '0,0,10,10' }).box, { x: 0, y: 0, w: 10, h: 10 });
  assert.equal(read('max_faces=5&max_faces=5.0').max_faces, 5);
  refused('tta=false', 'conflicting_parameter', /^tta was given more than once with different values \("false" and "1"\)\.$/, { tta: '1' });
  refused('max_faces=5&max_faces=6', 'conflicting_parameter', /^max_faces was given more than once/);
  // Each value is checked first: a bad one is its own 400, however often it comes.
  refused('tta=0', 'bad_parameter', /got "TRUE"/, { tta: 'TRUE' });
});

test('the multipart form documents the very fields the query does', () => {
  const form = formSchema() as any;
  for (const p of queryParameters() as any[])
    assert.deepEqual(form.properties[p.name], { description: form.properties[p.name].description, ...p.schema });
  assert.deepEqual(form.required, ['image']);
  assert.equal(form.properties.max_faces.type, 'integer');
  assert.equal(form.properties.box.maxLength, 100);
});

test('the answer schema: a face answers every face field, no face answers nulls and a message', () => {
  const face = {
    box: { x: 1, y: 2, w: 30, h: 30 },
    crop: { x: 0, y: 0, w: 40, h: 40 },
    detection_score: 0.9,
    landmarks: null,
    pose: null,
    quality: { size: 30, sharpness: 200, brightness: 120, contrast: 40, too_small: true, blurry: false, dark: false, overexposed: false },
    emotion: 'happy',
    confidence: 0.8,
    uncertain: false,
    scores: { angry: 0, disgust: 0, fear: 0, happy: 0.8, neutral: 0.2, sad: 0, surprise: 0 },
  };
  const envelope = {
    source: 'detection',
    tta: true,
    image: { width: 100, height: 80 },
    damaged: false,
    model: { name: 'ScratchCNN', version: 'v', input_size: 48 },
    timings: { decode: 1, preprocess: 1, inference: 1, total: 3 },
  };
  assert.ok(ClassifyResponseSchema.safeParse({ ...face, faces: [face], message: null, ...envelope }).success);
  const nulls = Object.fromEntries(Object.keys(FaceSchema.shape).map((k) => [k, null]));
  assert.ok(ClassifyResponseSchema.safeParse({ ...nulls, faces: [], message: 'none', ...envelope }).success);
  assert.ok(!ClassifyResponseSchema.safeParse({ ...nulls, faces: [face], message: null, ...envelope }).success);
  assert.ok(!ClassifyResponseSchema.safeParse({ ...face, faces: [], message: 'none', ...envelope }).success);
  assert.ok(ClassifyResponseSchema.safeParse(EXAMPLE_ANSWER).success, 'the example the API page shows');
  const { uncertain: _, ...withoutUncertain } = face;
  assert.ok(!ClassifyResponseSchema.safeParse({ ...face, faces: [withoutUncertain], message: null, ...envelope }).success);
});

test('mib', () => {
  assert.equal(mib(16 * 1024 * 1024), '16 MiB');
  assert.equal(mib(1.5 * 1024 * 1024), '1.5 MiB');
});
