/**
 * The HTTP contract, exercised on the real Worker in workerd: every route, every error case, and
 * every answer checked against the served OpenAPI document.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CLASSES, UNCERTAIN_BELOW } from '@emotion/core';
import { type ModelCard, toneFormula } from '@emotion/core/artifacts';
import { Validator } from '@seriousme/openapi-schema-validator';
import pako from 'pako';
import { type Contract, contract } from './contract.ts';
import { type RunningWorker, startWorker } from './harness.ts';
import { type Bytes, concat, encodeJpeg, ihdr, PNG_SIGNATURE, photo, pngChunk, resampledRgba, withJpegSize } from './images.ts';
import { photosSkip } from './shared-data.ts';

/** The card of the model the Worker bundles. */
const COMMITTED_CARD: ModelCard = JSON.parse(readFileSync(new URL('../../model/model-card.json', import.meta.url), 'utf8'));

let w: RunningWorker;
let spec: any;
let api: Contract;
// Made before the worker starts: encoding them takes seconds, longer than an idle keep-alive lives.
let atLimitJpeg: Bytes;
let baseline444: Bytes;
const skip = photosSkip();

before(async () => {
  if (!skip) atLimitJpeg = encodeJpeg(resampledRgba('bbt1.jpg', 1280, 1280), 1280, 1280);
  // 4:4:4 at 1900x1900: jpeg-js needed about 21 bytes a pixel for it (a 413 before); streamed, it needs a few rows.
  if (!skip) baseline444 = encodeJpeg(resampledRgba('bbt1.jpg', 1900, 1900), 1900, 1900, 70);
  w = await startWorker();
  spec = await (await w.fetch('/openapi.json')).json();
  api = contract(spec);
});
after(async () => w?.dispose());

const conforms = (schema: string, body: unknown) => api.conforms(schema, body);
const documented = (res: Response, path: string, method: string) => api.documented(res, path, method);

const post = (body: BodyInit | null, type?: string, query = '', headers: Record<string, string> = {}) =>
  w.fetch(`/classify${query}`, { method: 'POST', body, headers: type ? { 'content-type': type, ...headers } : headers });

/**
 * POSTs the headers and none of the body, and returns the answer that comes before it (fetch() cannot:
 * it sends the body it is given, and a body the Worker refuses unread races with reading the answer).
 */
function headersOnly(path: string, headers: Record<string, string>, waitMs = 10_000): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, w.url), { method: 'POST', headers });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${waitMs} ms: the Worker waited for the body`)), waitMs);
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        const h = new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: h }));
      });
    });
    req.flushHeaders();
  });
}

async function expectError(res: Response, status: number, code: string, messageLike?: RegExp) {
  assert.equal(res.status, status, `status ${res.status}, expected ${status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json();
  conforms('Error', body);
  assert.equal(body.error.code, code);
  if (messageLike) assert.match(body.error.message, messageLike);
  return body;
}

describe('service routes', () => {
  test('the OpenAPI document is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(spec);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    assert.match(spec.openapi, /^3\./);
    for (const p of ['/classify', '/model', '/healthz', '/openapi.json']) assert.ok(spec.paths[p], p);
  });

  test('GET /healthz answers from workerd without loading the model', async () => {
    const body = await documented(await w.fetch('/healthz'), '/healthz', 'GET');
    assert.equal(body.status, 'ok');
    assert.equal(body.runtime, 'Cloudflare-Workers', 'navigator.userAgent proves the code runs in workerd');
  });

  test('GET /model: classes, input, normalization, version, limits and validation results', async () => {
    const body = await documented(await w.fetch('/model'), '/model', 'GET');
    assert.deepEqual(body.classes, [...CLASSES]);
    assert.equal(body.input.size, 48);
    assert.deepEqual({ mean: body.normalization.mean, std: body.normalization.std }, { mean: 0.5, std: 0.5 });
    assert.ok(body.version.length > 0);
    assert.equal(body.validation.dataset, 'FER2013 PublicTest');
    assert.equal(typeof body.validation.accuracy, 'number');
    assert.equal(body.validation.abstention.threshold, UNCERTAIN_BELOW, "the `uncertain` threshold is the card's");
    // The committed model tones each crop in its graph: the preprocessing states it with the card's figures.
    assert.ok(
      body.preprocessing.some((step: string) => step.endsWith(toneFormula(COMMITTED_CARD.tone!))),
      body.preprocessing.join('\n'),
    );
    assert.ok(body.limits.max_body_bytes > 0 && body.limits.max_pixels > 0 && body.limits.max_decode_bytes > 0);
  });

  test('the limits in /model are the limits in the OpenAPI document', async () => {
    const model = await (await w.fetch('/model')).json();
    const limits = spec.components.schemas.Model.properties.limits.properties;
    assert.equal(limits.max_body_bytes.const, model.limits.max_body_bytes);
    assert.equal(limits.max_pixels.const, model.limits.max_pixels);
    assert.equal(limits.max_decode_bytes.const, model.limits.max_decode_bytes);
    assert.equal(limits.max_side.const, model.limits.max_side);
    assert.equal(limits.max_faces.const, model.limits.max_faces);
    assert.ok(spec.paths['/classify'].post.description.includes(String(model.limits.max_body_bytes)));
  });
});

describe('POST /classify', { skip }, () => {
  test('raw JPEG body', async () => {
    const res = await post(photo('happy.jpg'), 'image/jpeg');
    const body = await documented(res, '/classify', 'POST');
    assert.equal(res.status, 200);
    const sum = CLASSES.reduce((a, c) => a + body.scores[c], 0);
    assert.ok(Math.abs(sum - 1) < 1e-6, `scores sum to ${sum}`);
    assert.equal(body.confidence, Math.max(...CLASSES.map((c) => body.scores[c])));
    assert.equal(body.scores[body.emotion], body.confidence);
    // The largest face found: the top-level fields are faces[0]'s.
    assert.equal(body.source, 'detection');
    assert.equal(body.faces.length, 1);
    assert.deepEqual(body.box, body.faces[0].box);
    assert.deepEqual(body.scores, body.faces[0].scores);
    assert.deepEqual(body.image, { width: 500, height: 282 });
    assert.equal(body.damaged, false);
    assert.equal(body.model.input_size, 48);
    for (const k of ['decode', 'detect', 'preprocess', 'inference', 'total']) assert.equal(typeof body.timings[k], 'number');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('a JPEG libjpeg recovers from is answered and flagged damaged; the same file cut short is a 400', async () => {
    const jpeg = photo('happy.jpg');
    // Stray bytes after the first segment (as in Pillow's junk_jpeg_header.jpg): libjpeg warns
    // ("extraneous bytes before marker") and decodes, and so do browsers.
    const second = 4 + ((jpeg[4] << 8) | jpeg[5]);
    const strayed = concat(jpeg.subarray(0, second), new Uint8Array([0x12, 0x34, 0x56, 0x78]), jpeg.subarray(second));
    const res = await post(strayed, 'image/jpeg');
    const body = await documented(res, '/classify', 'POST');
    assert.equal(res.status, 200);
    assert.equal(body.damaged, true);
    assert.equal(body.faces.length, 1);
    const cut = await post(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image/jpeg');
    assert.equal(cut.status, 400);
    assert.equal((await documented(cut, '/classify', 'POST')).error.code, 'corrupt_image');
  });

  test('multipart PNG with the box as a form field', async () => {
    const fd = new FormData();
    fd.append('image', new Blob([photo('amy/amy2.png')], { type: 'image/png' }), 'amy2.png');
    fd.append('box', '10,20,100,110');
    const res = await w.fetch('/classify', { method: 'POST', body: fd });
    const body = await documented(res, '/classify', 'POST');
    assert.equal(res.status, 200);
    assert.deepEqual(body.box, { x: 10, y: 20, w: 100, h: 110 });
  });

  test('box in the query string classifies that region (and differs from the whole image)', async () => {
    const whole = await (await post(photo('bbt1.jpg'), 'image/jpeg')).json();
    const res = await post(photo('bbt1.jpg'), 'image/jpeg', '?box=500,100,200,200');
    const body = await documented(res, '/classify', 'POST');
    assert.deepEqual(body.box, { x: 500, y: 100, w: 200, h: 200 });
    assert.notDeepEqual(body.scores, whole.scores);
  });

  test('the format is sniffed from the bytes: a PNG sent as image/jpeg or octet-stream still works', async () => {
    for (const type of ['image/jpeg', 'application/octet-stream']) {
      const res = await post(photo('amy/amy1.png'), type);
      assert.equal(res.status, 200, type);
      await res.json();
    }
  });

  test('a 1280x1280 4:4:4 JPEG (1.6 MP) decodes', async () => {
    const res = await post(atLimitJpeg, 'image/jpeg');
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).image, { width: 1280, height: 1280 });
  });
});

describe('errors', () => {
  test('text sent as image/jpeg: 415 naming the accepted formats', async () => {
    await expectError(
      await post(new TextEncoder().encode('this is not an image at all'), 'image/jpeg'),
      415,
      'unsupported_media_type',
      /JPEG and PNG/,
    );
  });
  test('GIF bytes: 415 saying it is a GIF', async () => {
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;\x00\x00\x00');
    await expectError(await post(gif, 'image/gif'), 415, 'unsupported_media_type', /JPEG|PNG/);
    await expectError(await post(gif, 'image/jpeg'), 415, 'unsupported_media_type', /GIF/);
  });
  test('an unaccepted Content-Type: 415 before reading the body', async () => {
    await expectError(await post('{"image": 1}', 'application/json'), 415, 'unsupported_media_type', /image\/jpeg/);
  });
  test('empty body: 400', async () => {
    await expectError(await post(new Uint8Array(0), 'image/jpeg'), 400, 'empty_body');
    await expectError(await w.fetch('/classify', { method: 'POST' }), 400, 'empty_body');
  });
  test('truncated JPEG and PNG: 400', { skip }, async () => {
    await expectError(await post(photo('happy.jpg').subarray(0, 2000), 'image/jpeg'), 400, 'corrupt_image');
    const png = photo('amy/amy1.png');
    await expectError(await post(png.subarray(0, Math.floor(png.length / 2)), 'image/png'), 400, 'corrupt_image');
    await expectError(await post(png.subarray(0, 20), 'image/png'), 400, 'corrupt_image');
  });
  test('JPEG declaring 60000x60000 (decompression bomb): 413 with the limit', { skip }, async () => {
    await expectError(await post(withJpegSize(photo('happy.jpg'), 60000, 60000), 'image/jpeg'), 413, 'too_large', /limit is \d/);
  });
  test('JPEG over the longest side: 413 with the limit', { skip }, async () => {
    await expectError(
      await post(withJpegSize(photo('bbt1.jpg'), 8200, 3000), 'image/jpeg'),
      413,
      'too_large',
      /8200x3000; the limit is 8192 pixels/,
    );
  });
  test('progressive JPEG over the pixel limit for held coefficients: 413', { skip }, async () => {
    // happy.jpg is progressive: its coefficients are held whole (2 bytes each).
    await expectError(
      await post(withJpegSize(photo('happy.jpg'), 6000, 4100), 'image/jpeg'),
      413,
      'too_large',
      /24\.6 MP\); the limit for progressive JPEGs is 24\.0 MP/,
    );
  });
  test('progressive JPEG within the pixel limit but over the decoding memory limit: 413 with the limit', { skip }, async () => {
    await expectError(
      await post(withJpegSize(photo('happy.jpg'), 4800, 4800), 'image/jpeg'),
      413,
      'too_large',
      /needs about \d+ MB, over the limit of 60 MB/,
    );
  });
  test('a 1900x1900 4:4:4 baseline JPEG (refused by the old full decode) streams: 200', { skip }, async () => {
    const body = await api.documented(await post(baseline444, 'image/jpeg'), '/classify', 'POST');
    assert.deepEqual(body.image, { width: 1900, height: 1900 });
  });
  test('PNG bomb: IHDR 1x1 with IDAT inflating to megabytes: 400 before inflating it all', async () => {
    const zeros = pako.deflate(new Uint8Array(8 * 1024 * 1024));
    const png = concat(PNG_SIGNATURE, ihdr(1, 1, 8, 0), pngChunk('IDAT', zeros), pngChunk('IEND', new Uint8Array(0)));
    await expectError(await post(png, 'image/png'), 400, 'corrupt_image', /inflates past/);
  });
  test('PNG whose decode would need more than the memory limit: 413 from the header alone', async () => {
    // 16-bit RGBA, interlaced, 3.96 MP: inflated 31.7 MB + de-interlaced 31.7 MB + RGBA 15.8 MB.
    const png = concat(
      PNG_SIGNATURE,
      ihdr(1990, 1990, 16, 6, 1),
      pngChunk('IDAT', pako.deflate(new Uint8Array(100))),
      pngChunk('IEND', new Uint8Array(0)),
    );
    await expectError(await post(png, 'image/png'), 413, 'too_large', /over the limit of \d+ MB/);
  });
  test('PNG with a chunk length past the end of the file: 400', { skip }, async () => {
    const good = photo('amy/amy1.png');
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(33, 0xfffffff0); // the chunk after IHDR
    await expectError(await post(bad, 'image/png'), 400, 'corrupt_image');
  });
  test('body over the limit declared by Content-Length: 413 with the limit, before any of the body is sent', async () => {
    const model = await (await w.fetch('/model')).json();
    // Headers only: the Worker must answer from Content-Length alone. Were it to read the body it
    // would wait for bytes that never come, and the test would time out.
    const res = await headersOnly('/classify', { 'content-type': 'image/jpeg', 'content-length': String(model.limits.max_body_bytes + 1) });
    await expectError(res, 413, 'too_large', new RegExp(String(model.limits.max_body_bytes)));
  });
  test('a bad parameter in the query: its 400 before any of the body is sent, whatever the body', async () => {
    const headers = { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '100000' };
    await expectError(await headersOnly('/classify?box=1,2,3', headers), 400, 'bad_box');
    await expectError(await headersOnly('/classify?boxes=0,0,9,9;a', headers), 400, 'bad_box', /entry 2/);
    await expectError(await headersOnly('/classify?max_faces=0', headers), 400, 'bad_parameter');
    await expectError(await headersOnly('/classify?tta=maybe', { ...headers, 'content-type': 'image/jpeg' }), 400, 'bad_parameter');
  });
  test('chunked body over the limit (no Content-Length): 413', async () => {
    const model = await (await w.fetch('/model')).json();
    const chunk = new Uint8Array(1024 * 1024).fill(0xff);
    let sent = 0;
    const stream = new ReadableStream({
      pull(c) {
        if (sent > model.limits.max_body_bytes) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const res = await w.fetch('/classify', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'image/jpeg' },
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'too_large');
  });
  test('bad box: malformed, negative, zero-sized, outside the image, given twice differently', { skip }, async () => {
    const jpg = photo('happy.jpg');
    await expectError(await post(jpg, 'image/jpeg', '?box=10,10,-5,abc'), 400, 'bad_box');
    await expectError(await post(jpg, 'image/jpeg', '?box=1,2,3'), 400, 'bad_box');
    await expectError(await post(jpg, 'image/jpeg', '?box=-1,0,10,10'), 400, 'bad_box');
    await expectError(await post(jpg, 'image/jpeg', '?box=0,0,0,10'), 400, 'bad_box');
    await expectError(await post(jpg, 'image/jpeg', '?box=400,200,200,200'), 400, 'bad_box', /outside the 500x282 image/);
    const fd = new FormData();
    fd.append('image', new Blob([jpg], { type: 'image/jpeg' }), 'a.jpg');
    fd.append('box', '0,0,10,10');
    await expectError(
      await w.fetch('/classify?box=0,0,20,20', { method: 'POST', body: fd }),
      400,
      'conflicting_parameter',
      /box was given more than once/,
    );
  });
  test('multipart without an image field, with an empty one, or malformed: 400', async () => {
    const nofield = new FormData();
    nofield.append('other', 'x');
    await expectError(await w.fetch('/classify', { method: 'POST', body: nofield }), 400, 'missing_image');
    const textField = new FormData();
    textField.append('image', 'not a file');
    await expectError(await w.fetch('/classify', { method: 'POST', body: textField }), 400, 'missing_image');
    const empty = new FormData();
    empty.append('image', new Blob([]), 'empty.jpg');
    await expectError(await w.fetch('/classify', { method: 'POST', body: empty }), 400, 'empty_body');
    await expectError(await post('--x\r\nnonsense', 'multipart/form-data; boundary=zzz'), 400, 'bad_request');
  });
  test('wrong methods: 405 with Allow; unknown paths: 404', async () => {
    const get = await w.fetch('/classify');
    await expectError(get, 405, 'method_not_allowed');
    assert.match(get.headers.get('allow') ?? '', /POST/);
    await expectError(await w.fetch('/model', { method: 'POST', body: 'x' }), 405, 'method_not_allowed');
    await expectError(await w.fetch('/healthz', { method: 'DELETE' }), 405, 'method_not_allowed');
    // A GET for a path the site does not have gets the site's 404 page when it has one (not here:
    // the tests serve an empty asset directory), else the JSON error.
    await expectError(await w.fetch('/no/such/route'), 404, 'not_found');
    await expectError(await w.fetch('/classify/extra', { method: 'POST' }), 404, 'not_found');
  });
  test('a good request after all the bad ones still succeeds', { skip }, async () => {
    const res = await post(photo('sad.jpg'), 'image/jpeg');
    assert.equal(res.status, 200);
    await documented(res, '/classify', 'POST');
  });
});

describe('CORS (default configuration: any origin, no credentials)', () => {
  test('preflight from another origin', async () => {
    const res = await w.fetch('/classify', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /content-type/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });
  test('answers and errors carry Access-Control-Allow-Origin', { skip }, async () => {
    const ok = await post(photo('happy.jpg'), 'image/jpeg', '', { origin: 'https://app.example' });
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    await ok.arrayBuffer();
    const bad = await post(new Uint8Array(0), 'image/jpeg', '', { origin: 'https://app.example' });
    assert.equal(bad.headers.get('access-control-allow-origin'), '*');
    await bad.arrayBuffer();
    const model = await w.fetch('/model', { headers: { origin: 'https://app.example' } });
    assert.equal(model.headers.get('access-control-allow-origin'), '*');
    await model.arrayBuffer();
  });
});
