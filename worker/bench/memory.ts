/**
 * `npm run bench:memory -w worker`: the isolate memory budget behind core/src/api/limits.ts, measured in Node
 * (the same V8 and the same ORT WebAssembly as workerd; local workerd enforces no memory limit and
 * reports none). Prints ORT's WebAssembly memory after creating both sessions (emotion model and
 * face detector) and running them, and, for the largest uploads the limits accept, the decoder's
 * accounting and the live JS memory sampled (after a GC) at every large allocation, along the
 * Worker's two paths: without detection (the whole image's crop) and with it (the detection image,
 * detector and tiles, each face's aligned crop).
 * Run with --expose-gc (the npm script does).
 */
import { readFileSync } from 'node:fs';
import { LIMITS } from '@emotion/core/api';
import { DETECTOR_MODEL_FILE } from '@emotion/core/faces/node';
import { ADAM7_PASSES, pngDecodeBytes } from '@emotion/core/png';
import pako from 'pako';
import { MODEL_PATH } from '../test/harness.ts';
import { concat, ihdr, PNG_SIGNATURE, pngChunk } from '../test/images.ts';
import { loadOrtWeb, ORT_SESSION_OPTIONS } from '../test/ort-web-node.ts';

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
// The largest batch the Worker runs (core's emotionClassifier splits max_faces regions into such batches).
await session.run({ input: new ort.Tensor('float32', new Float32Array(LIMITS.maxBatch * 2304), [LIMITS.maxBatch, 1, 48, 48]) });
gc();
const wasmMB = wasmBytes() / MB;
const ortHeapMB = (process.memoryUsage().heapUsed - heap0) / MB;
const modelsMB = (readFileSync(MODEL_PATH).length + readFileSync(DETECTOR_MODEL_FILE).length) / MB;
restore();

// The largest uploads of each kind the limits accept: a streamed baseline JPEG at 48 MP, a
// progressive JPEG whose coefficients fill the budget (EXIF-rotated), a streamed PNG at the held
// limit, and an interlaced PNG (decoded whole) under the budget.
const progressiveSide = Math.floor(Math.sqrt(LIMITS.maxDecodeBytes / 3.1) / 16) * 16;
const pngSide = Math.floor(Math.sqrt(LIMITS.maxPixelsHeld) / 16) * 16;
const rows = (w: number, h: number, bpp: number) => {
  const raw = new Uint8Array(h * (1 + w * bpp));
  for (let y = 0; y < h; y++) for (let x = 1; x < w * bpp; x += 3) raw[y * (1 + w * bpp) + x] = (x * 31 + y * 17) & 255;
  return pako.deflate(raw);
};
const pngStreamed = concat(
  PNG_SIGNATURE,
  ihdr(pngSide, pngSide, 8, 2),
  pngChunk('IDAT', rows(pngSide, pngSide, 3)),
  pngChunk('IEND', new Uint8Array(0)),
);
const interlacedSide = 1600;
const interlacedHeader = { width: interlacedSide, height: interlacedSide, depth: 8, ctype: 6, interlace: 1 };
const pngInterlaced = encodeInterlaced(interlacedSide);

/** An Adam7-interlaced 8-bit RGBA PNG of a pattern (each pass's rows filtered with type 0). */
function encodeInterlaced(side: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    const w = Math.ceil((side - x0) / dx);
    const h = Math.ceil((side - y0) / dy);
    const raw = new Uint8Array(h * (1 + w * 4));
    for (let y = 0; y < h; y++) for (let x = 0; x < w * 4; x++) raw[y * (1 + w * 4) + 1 + x] = x % 4 === 3 ? 255 : (x * 7 + y * 3) & 255;
    parts.push(raw);
  }
  return concat(
    PNG_SIGNATURE,
    ihdr(side, side, 8, 6, 1),
    pngChunk('IDAT', pako.deflate(concat(...parts))),
    pngChunk('IEND', new Uint8Array(0)),
  );
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
const { denominatorFor } = await import('@emotion/core');
const { alignedInput, cropInput, DETECTION_MIN_SIDE, detectionTiles, faceDetector, findFaces, readDetectionImage } = await import(
  '@emotion/core/faces'
);
const { openUpload } = await import('../src/decode.ts');
const { upscaledPhotoJpeg } = await import('../test/large-images.ts');
const detector = faceDetector(detectorSession, ort.Tensor);
const mega = upscaledPhotoJpeg('bbt1.jpg', 8000, 6000, { quality: 85 });
const progressive = upscaledPhotoJpeg('bbt2.jpg', progressiveSide, progressiveSide, {
  quality: 85,
  flags: ['-progressive'],
  orientation: 6,
});

/** What the decoder accounts for the detection image (its largest read). */
function accountedMB(bytes: Uint8Array): number {
  const image = openUpload(bytes);
  const tiled = detectionTiles(image.width, image.height).length > 0;
  const d = denominatorFor(Math.max(image.width, image.height), tiled ? DETECTION_MIN_SIDE.tiled : DETECTION_MIN_SIDE.whole);
  return image.bytesFor({ denominator: d, format: 'rgba' }) / MB;
}

async function settle() {
  // Array buffers are freed after a GC, not during it: let that finish before reading the baseline.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Without detection (detect=false, box): the whole image's crop, read at the scale it needs. */
async function grayPath(bytes: Uint8Array) {
  const image = openUpload(bytes);
  cropInput(image, { x: 0, y: 0, w: image.width, h: image.height });
}

/** With detection, as src/classify.ts runs it: the detection image, the detector (and tiles), each face's aligned crop. */
async function detectionPath(bytes: Uint8Array) {
  const image = openUpload(bytes);
  const img = readDetectionImage(image);
  const { faces } = await findFaces(image, detector, { maxFaces: LIMITS.maxFaces }, img);
  for (const f of faces) alignedInput(image, f.keypoints, img);
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
  { name: '8000x6000 baseline JPEG (48 MP, streamed)', bytes: mega },
  {
    name: `${progressiveSide}x${progressiveSide} progressive JPEG 4:2:0, EXIF orientation 6 (coefficients at the budget)`,
    bytes: progressive,
  },
  { name: `${pngSide}x${pngSide} PNG, 8-bit RGB (streamed, at the held-pixel limit)`, bytes: pngStreamed },
  {
    name: `${interlacedSide}x${interlacedSide} interlaced PNG, 8-bit RGBA (decoded whole; ${(pngDecodeBytes(interlacedHeader) / MB).toFixed(1)} MiB by pngDecodeBytes)`,
    bytes: pngInterlaced,
  },
].map((u) => ({ ...u, accounted: accountedMB(u.bytes) }));
const results: Awaited<ReturnType<typeof measure>>[] = [];
for (const u of uploads) {
  results.push(await measure(`${u.name}, gray path`, u.bytes, u.accounted, grayPath));
  results.push(await measure(`${u.name}, detection path`, u.bytes, u.accounted, detectionPath));
}

const f = (x: number) => x.toFixed(1);
console.log(
  `\nLimits (core/src/api/limits.ts): body ${LIMITS.maxBodyBytes / MB} MiB, ${LIMITS.maxSide} px a side, ${LIMITS.maxPixelsHeld / 1e6} MP held, decode ${LIMITS.maxDecodeBytes / MB} MiB\n`,
);
console.log(
  `onnxruntime-web: WebAssembly memory ${f(wasmEmotionMB)} MiB after the emotion session and a batch-8 run; ${f(wasmMB)} MiB after adding the detector session, ` +
    `a detector run and a batch-${LIMITS.maxBatch} run (JS heap +${f(ortHeapMB)} MiB); model bytes ${f(modelsMB)} MiB\n`,
);
console.log('| upload | body MiB | decoder accounting MiB | live peak MiB (sampled) | result |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${f(r.body)} | ${f(r.accountedMB)} | ${f(r.liveMB)} | ${r.status} |`);
const worstDecode = Math.max(LIMITS.maxDecodeBytes / MB, ...results.map((r) => r.liveMB));
// While the body is read up to 3 copies live; once read, one, and decoding starts after that.
const body = LIMITS.maxBodyBytes / MB;
const total = wasmMB + ortHeapMB + modelsMB + Math.max(3 * body, body + worstDecode);
console.log(
  `\nWorst case for one request: ORT ${f(wasmMB + ortHeapMB)} + models ${f(modelsMB)} + max(body x3 ${f(3 * body)}, body ${f(body)} + decode and detection ${f(worstDecode)}) = ${f(total)} MiB of the 128 MB isolate limit`,
);
