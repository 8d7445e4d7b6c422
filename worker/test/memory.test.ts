/**
 * The 128 MB isolate budget, in Node (the same V8 and the same ORT WebAssembly as workerd, which
 * enforces no memory limit locally):
 * - the largest uploads the limits accept stay within the decoders' accounting (jpeg-js'
 *   maxMemoryUsageInMB, core's pngDecodeBytes), decode along the Worker's detection path, and
 *   ORT's WebAssembly memory + the models + the body copies + the decode fit in 128 MB;
 * - a request over any limit gets its 413 before any large allocation (counted: ./fuzz/alloc.ts).
 * `npm run bench:memory -w worker` prints the fuller measurement behind src/limits.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pako from 'pako';
import { jpegDecodeBytes, toModelInput } from '@emotion/core';
import { DETECTOR_MODEL_FILE } from '@emotion/core/faces/node';
import { grayOf, prepareDetectorInput } from '@emotion/core/faces';
import { pngDecodeBytes } from '@emotion/core/png';
import { decodeUploadRgba } from '../src/decode.ts';
import { ApiError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { readUpload } from '../src/upload.ts';
import { MODEL_PATH } from './harness.ts';
import { loadOrtWeb, ORT_SESSION_OPTIONS } from './ort-web-node.ts';
import { concat, ihdr, PNG_SIGNATURE, pngChunk, withJpegSize, type Bytes } from './images.ts';
import { countAllocations, onLargeAllocation } from './fuzz/alloc.ts';
import { runInProcess } from './fuzz/run.ts';
import { exifApp1, makeJpeg, withSegment } from './fuzz/seeds.ts';

setFlagsFromString('--expose-gc');
// Free dead ArrayBuffers during gc() itself: V8 otherwise sweeps them on a background thread, so a
// reading right after gc() could still count buffers already dead (seen: 66 MiB for a 46 MiB peak).
setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = runInNewContext('gc') as () => void;
const MiB = 2 ** 20;
/** Cloudflare's limit per isolate, "128 MB", read as the smaller 128 x 10^6 bytes. */
const ISOLATE_BYTES = 128e6;
const DECODE_LIMIT = LIMITS.maxDecodeMemoryMB * MiB;

let ortBytes = 0;
let modelBytes = 0;

/** ORT's WebAssembly memory with both sessions created and run at their largest inputs. */
before(async () => {
  const { ort, wasmBytes, restore } = await loadOrtWeb();
  try {
    const options = ORT_SESSION_OPTIONS;
    const emotion = await ort.InferenceSession.create(readFileSync(MODEL_PATH), options);
    const detector = await ort.InferenceSession.create(readFileSync(DETECTOR_MODEL_FILE), options);
    await detector.run({ [detector.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * 256 * 256), [1, 3, 256, 256]) });
    // The largest batch the Worker runs (src/classifier.ts); ORT's memory only grows.
    const n = LIMITS.maxBatch;
    await emotion.run({ [emotion.inputNames[0]]: new ort.Tensor('float32', new Float32Array(n * 48 * 48), [n, 1, 48, 48]) });
    ortBytes = wasmBytes();
    modelBytes = readFileSync(MODEL_PATH).length + readFileSync(DETECTOR_MODEL_FILE).length;
  } finally {
    restore();
  }
});

/** The largest square 4:4:4 JPEG side whose jpeg-js accounting is within the limit (from headers alone). */
function largestJpegSide(): number {
  const probe = makeJpeg(16, 16);
  let side = 8;
  while (jpegDecodeBytes(withJpegSize(probe, side + 8, side + 8))! <= DECODE_LIMIT) side += 8;
  return side;
}

/** A PNG whose rows are `rowBytes` of a pattern (compresses well, so big images fit the body limit). */
function patternPng(width: number, height: number, depth: number, ctype: number, bytesPerPixel: number): Bytes {
  const stride = 1 + width * bytesPerPixel;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) for (let x = 1; x < stride; x += 3) raw[y * stride + x] = (x * 31 + y * 17) & 255;
  return concat(PNG_SIGNATURE, ihdr(width, height, depth, ctype), pngChunk('IDAT', pako.deflate(raw)), pngChunk('IEND', new Uint8Array(0)));
}

/** The live JS memory (heap + array buffers, after a GC) at its highest during `fn`, above the start. */
async function livePeak(fn: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  let peak = 0;
  let sampling = false;
  onLargeAllocation(100_000, () => {
    if (sampling) return;
    sampling = true;
    gc();
    peak = Math.max(peak, used() - base);
    sampling = false;
  });
  try {
    fn();
    gc();
    peak = Math.max(peak, used() - base);
  } finally {
    onLargeAllocation(0, null);
  }
  return peak;
}

/** The Worker's detection path on the bytes: RGBA decode (EXIF upright), detector input, gray, crop. */
function detectionPath(bytes: Uint8Array): void {
  const rgba = decodeUploadRgba(bytes);
  prepareDetectorInput(rgba);
  const gray = grayOf(rgba);
  toModelInput(gray, { x: 0, y: 0, w: Math.min(gray.width, 100), h: Math.min(gray.height, 100) });
}

test('the largest uploads the limits accept stay within 128 MB, by the decoders\' accounting and measured', async (t) => {
  const side = largestJpegSide();
  // 4:4:4 (jpeg-js' encoder), the costliest 3-component layout; EXIF orientation 6 adds the upright copy.
  const jpeg = withSegment(makeJpeg(side, side, 90), exifApp1(6, true));
  const png = patternPng(2000, 2000, 16, 6, 8); // 16-bit RGBA at the pixel limit
  const tallW = Math.floor(LIMITS.maxPixels / LIMITS.maxSide);
  const tall = patternPng(tallW, LIMITS.maxSide, 8, 6, 4); // the longest side: the detector's most rows
  const uploads = [
    { name: `${side}x${side} JPEG 4:4:4, EXIF-rotated`, bytes: jpeg, accounted: jpegDecodeBytes(jpeg)! },
    { name: '2000x2000 PNG, 16-bit RGBA', bytes: png, accounted: pngDecodeBytes({ width: 2000, height: 2000, depth: 16, ctype: 6, interlace: 0 }) },
    { name: `${tallW}x${LIMITS.maxSide} PNG, 8-bit RGBA`, bytes: tall, accounted: pngDecodeBytes({ width: tallW, height: LIMITS.maxSide, depth: 8, ctype: 6, interlace: 0 }) },
  ];
  assert.ok(jpegDecodeBytes(withJpegSize(makeJpeg(16, 16), side + 8, side + 8))! > DECODE_LIMIT, 'a larger JPEG is over the limit');
  const bodies = 3 * LIMITS.maxBodyBytes; // the body as stream chunks, joined, and a form's file
  const f = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
  t.diagnostic(`ORT WebAssembly memory (both sessions, batch of ${LIMITS.maxBatch}) ${f(ortBytes)}; models ${f(modelBytes)}; bodies 3 x ${f(LIMITS.maxBodyBytes)}`);
  for (const u of uploads) {
    assert.ok(u.bytes.length <= LIMITS.maxBodyBytes, `${u.name}: ${u.bytes.length} bytes fit the body limit`);
    assert.ok(u.accounted <= DECODE_LIMIT, `${u.name}: accounted ${f(u.accounted)}, within ${f(DECODE_LIMIT)}`);
    const live = await livePeak(() => detectionPath(u.bytes));
    const decode = Math.max(DECODE_LIMIT, live);
    const total = ortBytes + modelBytes + bodies + decode;
    t.diagnostic(`${u.name}: accounted ${f(u.accounted)}, live peak ${f(live)}; worst case ${f(total)} of ${f(ISOLATE_BYTES)}`);
    assert.ok(live <= DECODE_LIMIT * 1.1, `${u.name}: live peak ${f(live)} near or under the accounting limit`);
    assert.ok(total <= ISOLATE_BYTES, `${u.name}: ${f(total)} fits the isolate`);
  }
});

test('a request over any limit gets its 413 before any large allocation', async (t) => {
  const small = makeJpeg(16, 16);
  const png = (w: number, h: number, depth = 8, ctype = 6, interlace = 0) =>
    concat(PNG_SIGNATURE, ihdr(w, h, depth, ctype, interlace), pngChunk('IDAT', pako.deflate(new Uint8Array(64))), pngChunk('IEND', new Uint8Array(0)));
  const side = largestJpegSide();
  const cases: [string, Bytes, string][] = [
    ['20000x20000 PNG in a few hundred bytes', png(20000, 20000), 'image/png'],
    ['20000x20000 JPEG in a few hundred bytes', withJpegSize(small, 20000, 20000), 'image/jpeg'],
    ['2001x2000 JPEG (just over the pixel limit)', withJpegSize(small, 2001, 2000), 'image/jpeg'],
    [`${side + 8}x${side + 8} JPEG 4:4:4 (within the pixel limit, over the memory limit)`, withJpegSize(small, side + 8, side + 8), 'image/jpeg'],
    ['2000x2000 16-bit RGBA interlaced PNG (over the memory limit)', png(2000, 2000, 16, 6, 1), 'image/png'],
    [`${LIMITS.maxSide + 1}x100 PNG (over the longest side)`, png(LIMITS.maxSide + 1, 100), 'image/png'],
  ];
  for (const [name, body, type] of cases) {
    const o = await runInProcess({ id: name, image: name, wrap: 'raw', body, contentType: type, path: '/classify' }, 3000);
    t.diagnostic(`${name} (${body.length} bytes): ${o.status} ${o.code} after allocating ${o.allocated} bytes in ${o.ms.toFixed(1)} ms`);
    assert.equal(o.status, 413, `${name}: ${JSON.stringify(o)}`);
    assert.ok(o.allocated! < 256 * 1024, `${name}: allocated ${o.allocated} bytes before the 413`);
  }
  // A body declared over the limit is refused from Content-Length, before a byte of it is read.
  const declared = new Request('http://x/classify', { method: 'POST', body: small, headers: { 'content-type': 'image/jpeg', 'content-length': String(LIMITS.maxBodyBytes + 1) } });
  const { error, bytes } = await countAllocations(() => readUpload(declared));
  assert.ok(error instanceof ApiError && error.status === 413, String(error));
  assert.ok(bytes < 1024, `allocated ${bytes} bytes`);
});
