/**
 * The 128 MB isolate budget, in Node (the same V8 and the same ORT WebAssembly as workerd, which
 * enforces no memory limit locally):
 * - the largest uploads the limits accept (a 48 MP streamed JPEG, a progressive JPEG and a PNG at
 *   the decode budget) stay within the decoder's accounting (core's ImageSource.bytesFor) along the
 *   Worker's detection path, and ORT's WebAssembly memory + the models + the body + the decode fit
 *   in 128 MB;
 * - a request over any limit gets its 413 before any large allocation (counted: ./fuzz/alloc.ts).
 * `npm run bench:memory -w worker` prints the fuller measurement behind core/src/api/limits.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { denominatorFor, toScaled } from '@emotion/core';
import { ApiError, LIMITS } from '@emotion/core/api';
import { cropInput, DETECTION_MIN_SIDE, detectionTiles, prepareDetectorInput, readDetectionImage } from '@emotion/core/faces';
import { DETECTOR_MODEL_FILE } from '@emotion/core/faces/node';
import pako from 'pako';
import { openUpload } from '../src/decode.ts';
import { readUpload } from '../src/upload.ts';
import { countAllocations, onLargeAllocation } from './fuzz/alloc.ts';
import { runInProcess } from './fuzz/run.ts';
import { FIXTURES, makeJpeg } from './fuzz/seeds.ts';
import { MODEL_PATH } from './harness.ts';
import { type Bytes, concat, ihdr, PNG_SIGNATURE, pngChunk, withJpegSize } from './images.ts';
import { cjpegSkip, upscaledPhotoJpeg } from './large-images.ts';
import { loadOrtWeb, ORT_SESSION_OPTIONS } from './ort-web-node.ts';
import { photosSkip } from './shared-data.ts';

setFlagsFromString('--expose-gc');
// Free dead ArrayBuffers during gc() itself: V8 otherwise sweeps them on a background thread, so a
// reading right after gc() could still count buffers already dead (seen: 66 MiB for a 46 MiB peak).
setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = runInNewContext('gc') as () => void;
const MiB = 2 ** 20;
/** Cloudflare's limit per isolate, "128 MB", read as the smaller 128 x 10^6 bytes. */
const ISOLATE_BYTES = 128e6;
const DECODE_LIMIT = LIMITS.maxDecodeBytes;

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
    // The largest batch the Worker runs (core's emotionClassifier); ORT's memory only grows.
    const n = LIMITS.maxBatch;
    await emotion.run({ [emotion.inputNames[0]]: new ort.Tensor('float32', new Float32Array(n * 48 * 48), [n, 1, 48, 48]) });
    ortBytes = wasmBytes();
    modelBytes = readFileSync(MODEL_PATH).length + readFileSync(DETECTOR_MODEL_FILE).length;
  } finally {
    restore();
  }
});

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
  const image = openUpload(bytes);
  const img = readDetectionImage(image);
  for (const tile of [undefined, ...detectionTiles(image.width, image.height)])
    prepareDetectorInput(img, 'letterbox', tile && toScaled(tile, img));
  cropInput(image, { x: 0, y: 0, w: Math.min(image.width, 300), h: Math.min(image.height, 300) }, img);
}

/** What decoding accounts for the Worker's reads of an upload: the detection image and one crop of the whole image. */
function accounted(bytes: Uint8Array): number {
  const image = openUpload(bytes);
  const tiles = detectionTiles(image.width, image.height).length > 0;
  const d = denominatorFor(Math.max(image.width, image.height), tiles ? DETECTION_MIN_SIDE.tiled : DETECTION_MIN_SIDE.whole);
  return image.bytesFor({ denominator: d, format: 'rgba' });
}

test("the largest uploads the limits accept stay within 128 MB, by the decoder's accounting and measured", {
  skip: cjpegSkip() || photosSkip(),
}, async (t) => {
  // Streamed baseline JPEGs: memory independent of the size. Held: a progressive JPEG's
  // coefficients at the budget (4:2:0, 3 bytes a pixel), a PNG's decode.
  const progressiveSide = Math.floor(Math.sqrt(DECODE_LIMIT / 3.1) / 16) * 16;
  const uploads = [
    { name: '8000x6000 baseline JPEG (48 MP)', bytes: upscaledPhotoJpeg('bbt1.jpg', 8000, 6000, { quality: 85 }) },
    {
      name: `${progressiveSide}x${progressiveSide} progressive JPEG 4:2:0, EXIF-rotated`,
      bytes: upscaledPhotoJpeg('bbt2.jpg', progressiveSide, progressiveSide, { quality: 85, flags: ['-progressive'], orientation: 6 }),
    },
    { name: '2400x2400 PNG, 8-bit RGBA', bytes: patternPng(2400, 2400, 8, 6, 4) },
  ];
  const f = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
  t.diagnostic(
    `ORT WebAssembly memory (both sessions, batch of ${LIMITS.maxBatch}) ${f(ortBytes)}; models ${f(modelBytes)}; body ${f(LIMITS.maxBodyBytes)}`,
  );
  for (const u of uploads) {
    assert.ok(u.bytes.length <= LIMITS.maxBodyBytes, `${u.name}: ${u.bytes.length} bytes fit the body limit`);
    const a = accounted(u.bytes);
    assert.ok(a <= DECODE_LIMIT, `${u.name}: accounted ${f(a)}, within ${f(DECODE_LIMIT)}`);
    const live = await livePeak(() => detectionPath(u.bytes));
    // While the body is read, up to 3 copies of it live (the stream's chunks, joined, a form's file);
    // once read, one: decoding starts after the others are garbage.
    const total = ortBytes + modelBytes + Math.max(3 * LIMITS.maxBodyBytes, LIMITS.maxBodyBytes + Math.max(DECODE_LIMIT, live));
    t.diagnostic(`${u.name}: accounted ${f(a)}, live peak ${f(live)}; worst case ${f(total)} of ${f(ISOLATE_BYTES)}`);
    // Beyond the decoder's accounting: the upright copy of the detection image, the detector's rows, the crops.
    assert.ok(live <= a * 1.1 + 4 * MiB, `${u.name}: live peak ${f(live)} near or under its accounting ${f(a)}`);
    assert.ok(total <= ISOLATE_BYTES, `${u.name}: ${f(total)} fits the isolate`);
  }
});

test('the allocation counter sees copies (slice, map, filter), not views', async () => {
  const { bytes } = await countAllocations(async () => {
    const a = new Uint8Array(1000); // 1000
    a.slice(100); // 900
    a.subarray(10); // a view: 0
    new Float32Array(a.buffer, 0, 10); // a view: 0
    a.map((v) => v); // 1000
    a.filter((_, i) => i < 10); // 10
    a.buffer.slice(0, 500); // 500
    new Uint8Array(a); // a copy: 1000
  });
  assert.equal(bytes, 1000 + 900 + 1000 + 10 + 500 + 1000);
});

test('a request over any limit gets its 413 before any large allocation', async (t) => {
  const small = makeJpeg(16, 16);
  const progressive = new Uint8Array(readFileSync(join(FIXTURES, 'progressive.jpg')));
  const png = (w: number, h: number, depth = 8, ctype = 6, interlace = 0) =>
    concat(
      PNG_SIGNATURE,
      ihdr(w, h, depth, ctype, interlace),
      pngChunk('IDAT', pako.deflate(new Uint8Array(64))),
      pngChunk('IEND', new Uint8Array(0)),
    );
  const cases: [string, Bytes, string][] = [
    ['20000x20000 PNG in a few hundred bytes', png(20000, 20000), 'image/png'],
    ['20000x20000 JPEG in a few hundred bytes', withJpegSize(small, 20000, 20000), 'image/jpeg'],
    [`${LIMITS.maxSide + 8}x2000 JPEG (over the longest side)`, withJpegSize(small, LIMITS.maxSide + 8, 2000), 'image/jpeg'],
    ['6000x4100 progressive JPEG (over the pixel limit for held coefficients)', withJpegSize(progressive, 6000, 4100), 'image/jpeg'],
    ['4800x4800 progressive JPEG (within the pixel limit, over the memory limit)', withJpegSize(progressive, 4800, 4800), 'image/jpeg'],
    ['3000x3000 16-bit RGBA interlaced PNG (over the memory limit)', png(3000, 3000, 16, 6, 1), 'image/png'],
    [`${LIMITS.maxSide + 1}x100 PNG (over the longest side)`, png(LIMITS.maxSide + 1, 100), 'image/png'],
  ];
  for (const [name, body, type] of cases) {
    const o = await runInProcess({ id: name, image: name, wrap: 'raw', body, contentType: type, path: '/classify' }, 3000);
    t.diagnostic(`${name} (${body.length} bytes): ${o.status} ${o.code} after allocating ${o.allocated} bytes in ${o.ms.toFixed(1)} ms`);
    assert.equal(o.status, 413, `${name}: ${JSON.stringify(o)}`);
    assert.ok(o.allocated! < 256 * 1024, `${name}: allocated ${o.allocated} bytes before the 413`);
  }
  // A body declared over the limit is refused from Content-Length, before a byte of it is read.
  const declared = new Request('http://x/classify', {
    method: 'POST',
    body: small,
    headers: { 'content-type': 'image/jpeg', 'content-length': String(LIMITS.maxBodyBytes + 1) },
  });
  const { error, bytes } = await countAllocations(() => readUpload(declared));
  assert.ok(error instanceof ApiError && error.status === 413, String(error));
  assert.ok(bytes < 1024, `allocated ${bytes} bytes`);
});
