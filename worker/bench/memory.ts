/**
 * `npm run bench:memory -w worker`: the isolate memory budget behind src/limits.ts, measured in Node
 * (the same V8 and the same ORT WebAssembly as workerd; local workerd enforces no memory limit and
 * reports none). Prints ORT's WebAssembly memory after creating both sessions (emotion model and
 * face detector) and running them, and, for the largest uploads the limits accept, the decoders'
 * accounting and the live JS memory sampled (after a GC) at every large allocation, along the
 * Worker's two paths: without detection (decode to gray, crop) and with it (decode to RGBA, EXIF
 * rotation, detector input, detection, gray, face crops).
 * Run with --expose-gc (the npm script does).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pako from 'pako';
import { pngDecodeBytes } from '@emotion/core/png';
import { DETECTOR_MODEL_FILE } from '@emotion/core/faces/node';
import { LIMITS } from '../src/limits.ts';
import { MODEL_PATH } from '../test/harness.ts';
import { loadOrtWeb, ORT_SESSION_OPTIONS } from '../test/ort-web-node.ts';
import { concat, encodeJpeg, ihdr, PNG_SIGNATURE, pngChunk, resampledRgba } from '../test/images.ts';

const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with node --expose-gc');
const gc: () => void = maybeGc;
const MB = 2 ** 20;

// 1. ORT: its WebAssembly memory after creating and running both sessions.
const { ort, wasmBytes, restore } = await loadOrtWeb();
gc();
const heap0 = process.memoryUsage().heapUsed;
const sessionOptions = ORT_SESSION_OPTIONS;
const session = await ort.InferenceSession.create(readFileSync(MODEL_PATH), sessionOptions);
for (const n of [1, 8]) await session.run({ input: new ort.Tensor('float32', new Float32Array(n * 2304), [n, 1, 48, 48]) });
gc();
const wasmEmotionMB = wasmBytes() / MB;
const detectorSession = await ort.InferenceSession.create(readFileSync(DETECTOR_MODEL_FILE), sessionOptions);
await detectorSession.run({ input: new ort.Tensor('float32', new Float32Array(3 * 256 * 256), [1, 3, 256, 256]) });
// The largest batch the Worker runs (src/classifier.ts splits max_faces regions into such batches).
await session.run({ input: new ort.Tensor('float32', new Float32Array(LIMITS.maxBatch * 2304), [LIMITS.maxBatch, 1, 48, 48]) });
gc();
const wasmMB = wasmBytes() / MB;
const ortHeapMB = (process.memoryUsage().heapUsed - heap0) / MB;
const modelsMB = (readFileSync(MODEL_PATH).length + readFileSync(DETECTOR_MODEL_FILE).length) / MB;
restore();
const require = createRequire(import.meta.url);

function jpegAccountingMB(bytes: Uint8Array): number {
  // jpeg-js' own accounting: the smallest maxMemoryUsageInMB that lets it decode.
  const jpeg = require('jpeg-js');
  let lo = 1;
  let hi = 1024;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 1000, maxMemoryUsageInMB: mid });
      hi = mid;
    } catch {
      lo = mid + 1;
    }
  }
  return lo;
}

// The largest 4:4:4 JPEG (the worst sampling jpeg-js' encoder writes) that the memory limit accepts.
let side = 1400;
let big = encodeJpeg(resampledRgba('bbt1.jpg', side, side), side, side, 90);
while (jpegAccountingMB(encodeJpeg(resampledRgba('bbt1.jpg', side + 100, side + 100), side + 100, side + 100, 90)) <= LIMITS.maxDecodeMemoryMB) {
  side += 100;
  big = encodeJpeg(resampledRgba('bbt1.jpg', side, side), side, side, 90);
}
const side16 = Math.floor(Math.sqrt(LIMITS.maxPixels));
const rows16 = new Uint8Array(side16 * (1 + side16 * 8));
for (let y = 0; y < side16; y++) for (let x = 1; x < side16 * 8; x += 2) rows16[y * (1 + side16 * 8) + x] = (x * 31 + y * 17) & 255;
const png16 = concat(PNG_SIGNATURE, ihdr(side16, side16, 16, 6), pngChunk('IDAT', pako.deflate(rows16)), pngChunk('IEND', new Uint8Array(0)));
const png16Header = { width: side16, height: side16, depth: 16, ctype: 6, interlace: 0 };
// The longest side the limits accept, at the pixel limit: the detector's resize rows grow with the height.
const tallW = Math.floor(LIMITS.maxPixels / LIMITS.maxSide);
const tallRaw = new Uint8Array(LIMITS.maxSide * (1 + tallW * 4));
for (let y = 0; y < LIMITS.maxSide; y++) for (let x = 1; x < tallW * 4; x += 4) tallRaw[y * (1 + tallW * 4) + x] = (x * 7 + y * 3) & 255;
for (let y = 0; y < LIMITS.maxSide; y++) for (let x = 4; x < tallW * 4 + 1; x += 4) tallRaw[y * (1 + tallW * 4) + x] = 255;
const tallPng = concat(PNG_SIGNATURE, ihdr(tallW, LIMITS.maxSide, 8, 6), pngChunk('IDAT', pako.deflate(tallRaw)), pngChunk('IEND', new Uint8Array(0)));
const tallHeader = { width: tallW, height: LIMITS.maxSide, depth: 8, ctype: 6, interlace: 0 };

/** The JPEG with an EXIF APP1 segment saying `orientation` (6: rotate 90°), so decoding makes an upright copy. */
function withExifOrientation(bytes: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0];
  const payload = [...new TextEncoder().encode('Exif\0\0'), ...tiff];
  const len = payload.length + 2;
  return concat(bytes.subarray(0, 2), new Uint8Array([0xff, 0xe1, len >> 8, len & 255, ...payload]), bytes.subarray(2));
}
// 2. Decoding: sample live memory (heap + ArrayBuffers, after a GC) at every large typed array.
let peak = 0;
let base = 0;
let sampling = false;
const sample = () => {
  if (sampling) return;
  sampling = true;
  gc();
  const m = process.memoryUsage();
  peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base);
  sampling = false;
};
for (const name of ['Uint8Array', 'Int32Array', 'Float32Array', 'Uint16Array']) {
  const C = (globalThis as Record<string, unknown>)[name] as new (...a: unknown[]) => object;
  (globalThis as Record<string, unknown>)[name] = new Proxy(C, {
    construct(t, args) {
      const r = Reflect.construct(t, args);
      if (typeof args[0] === 'number' && args[0] > 100_000) sample();
      return r;
    },
  });
}
const { decodeGray, readJpegOrientation, toModelInput } = await import('@emotion/core');
const { decodeRgba, faceCrop, faceDetector, grayOf } = await import('@emotion/core/faces');
const { DECODE_LIMITS } = await import('../src/decode.ts');
const detector = faceDetector(detectorSession, ort.Tensor);
const rotatedBig = withExifOrientation(big, 6);
if (readJpegOrientation(rotatedBig) !== 6) throw new Error('EXIF orientation not written');

async function settle() {
  // Array buffers are freed after a GC, not during it: let that finish before reading the baseline.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Without detection (detect=false, box): decode to gray, one crop to the model input. */
async function grayPath(bytes: Uint8Array) {
  const img = decodeGray(bytes, DECODE_LIMITS);
  toModelInput(img);
}

/** With detection, as src/classify.ts runs it: RGBA (upright), detect, then gray and the face crops. */
async function detectionPath(bytes: Uint8Array) {
  const rgba = decodeRgba(bytes, DECODE_LIMITS);
  const faces = await detector.detect(rgba, { maxFaces: LIMITS.maxFaces });
  const gray = grayOf(rgba);
  for (const f of faces) toModelInput(gray, faceCrop(f.box, gray));
}

async function measure(name: string, bytes: Uint8Array, accountedMB: number, path: (b: Uint8Array) => Promise<void>) {
  await settle();
  const m = process.memoryUsage();
  base = m.heapUsed + m.arrayBuffers;
  peak = 0;
  let status = 'decoded';
  try {
    await path(bytes);
    sample();
  } catch (e) {
    status = `refused: ${(e as Error).message}`;
  }
  return { name, body: bytes.length / MB, accountedMB, liveMB: peak / MB, status };
}

const uploads = [
  { name: `${side}x${side} JPEG 4:4:4 (largest square under the memory limit)`, bytes: big, accounted: jpegAccountingMB(big) },
  { name: `the same with EXIF orientation 6 (an upright copy)`, bytes: rotatedBig, accounted: jpegAccountingMB(big) },
  { name: `${side16}x${side16} PNG, 16-bit RGBA (largest at the pixel limit)`, bytes: png16, accounted: pngDecodeBytes(png16Header) / MB },
  { name: `${tallW}x${LIMITS.maxSide} PNG, 8-bit RGBA (longest side at the pixel limit)`, bytes: tallPng, accounted: pngDecodeBytes(tallHeader) / MB },
];
const results: Awaited<ReturnType<typeof measure>>[] = [];
for (const u of uploads) {
  results.push(await measure(`${u.name}, gray path`, u.bytes, u.accounted, grayPath));
  results.push(await measure(`${u.name}, detection path`, u.bytes, u.accounted, detectionPath));
}

const f = (x: number) => x.toFixed(1);
console.log(`\nLimits (src/limits.ts): body ${LIMITS.maxBodyBytes / MB} MiB, ${LIMITS.maxPixels / 1e6} MP, decode ${LIMITS.maxDecodeMemoryMB} MB\n`);
console.log(
  `onnxruntime-web: WebAssembly memory ${f(wasmEmotionMB)} MiB after the emotion session and a batch-8 run; ${f(wasmMB)} MiB after adding the detector session, ` +
    `a detector run and a batch-${LIMITS.maxBatch} run (JS heap +${f(ortHeapMB)} MiB); model bytes ${f(modelsMB)} MiB\n`,
);
console.log('| upload | body MiB | decoder accounting MiB | live peak MiB (sampled) | result |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${f(r.body)} | ${f(r.accountedMB)} | ${f(r.liveMB)} | ${r.status} |`);
const worstDecode = Math.max(LIMITS.maxDecodeMemoryMB, ...results.map((r) => r.liveMB));
const bodyCopies = 3 * (LIMITS.maxBodyBytes / MB);
const total = wasmMB + ortHeapMB + modelsMB + bodyCopies + worstDecode;
console.log(`\nWorst case for one request: ORT ${f(wasmMB + ortHeapMB)} + models ${f(modelsMB)} + body x3 ${f(bodyCopies)} + decode and detection ${f(worstDecode)} = ${f(total)} MiB of the 128 MB isolate limit`);
