/**
 * `npm run bench:memory -w worker`: the isolate memory budget behind src/limits.ts, measured in Node
 * (the same V8 and the same ORT WebAssembly as workerd; local workerd enforces no memory limit and
 * reports none). Prints ORT's WebAssembly memory after creating the session and running it, and,
 * for the largest uploads the limits accept, the decoders' accounting and the live JS memory
 * sampled (after a GC) at every large allocation during the decode.
 * Run with --expose-gc (the npm script does).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pako from 'pako';
import { pngDecodeBytes } from '@emotion/core/png';
import { LIMITS } from '../src/limits.ts';
import { MODEL_PATH } from '../test/harness.ts';
import { concat, encodeJpeg, ihdr, PNG_SIGNATURE, pngChunk, resampledRgba } from '../test/images.ts';

const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with node --expose-gc');
const gc: () => void = maybeGc;
const MB = 2 ** 20;

// 1. ORT: capture the WebAssembly.Memory the emscripten glue creates.
const memories: WebAssembly.Memory[] = [];
const RealMemory = WebAssembly.Memory;
(WebAssembly as { Memory: unknown }).Memory = new Proxy(RealMemory, {
  construct(target, args) {
    const m = Reflect.construct(target, args) as WebAssembly.Memory;
    memories.push(m);
    return m;
  },
});
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const ort = await import(join(ortDist, 'ort.wasm.bundle.min.mjs'));
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmBinary = readFileSync(join(ortDist, 'ort-wasm-simd-threaded.wasm'));
gc();
const heap0 = process.memoryUsage().heapUsed;
const session = await ort.InferenceSession.create(readFileSync(MODEL_PATH), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
for (const n of [1, 8]) await session.run({ input: new ort.Tensor('float32', new Float32Array(n * 2304), [n, 1, 48, 48]) });
gc();
const wasmMB = memories.reduce((a, m) => a + m.buffer.byteLength, 0) / MB;
const ortHeapMB = (process.memoryUsage().heapUsed - heap0) / MB;
(WebAssembly as { Memory: unknown }).Memory = RealMemory;

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
const { decodeGray, toModelInput } = await import('@emotion/core');
const { DECODE_LIMITS } = await import('../src/decode.ts');

async function settle() {
  // Array buffers are freed after a GC, not during it: let that finish before reading the baseline.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function measure(name: string, bytes: Uint8Array, accountedMB: number) {
  await settle();
  const m = process.memoryUsage();
  base = m.heapUsed + m.arrayBuffers;
  peak = 0;
  let status = 'decoded';
  try {
    const img = decodeGray(bytes, DECODE_LIMITS);
    toModelInput(img);
    sample();
  } catch (e) {
    status = `refused: ${(e as Error).message}`;
  }
  return { name, body: bytes.length / MB, accountedMB, liveMB: peak / MB, status };
}

const results = [
  await measure(`${side}x${side} JPEG 4:4:4 (largest square under the memory limit)`, big, jpegAccountingMB(big)),
  await measure(`${side16}x${side16} PNG, 16-bit RGBA (largest at the pixel limit)`, png16, pngDecodeBytes(png16Header) / MB),
];

const f = (x: number) => x.toFixed(1);
console.log(`\nLimits (src/limits.ts): body ${LIMITS.maxBodyBytes / MB} MiB, ${LIMITS.maxPixels / 1e6} MP, decode ${LIMITS.maxDecodeMemoryMB} MB\n`);
console.log(`onnxruntime-web after session creation and a batch-8 run: WebAssembly memory ${f(wasmMB)} MiB, JS heap +${f(ortHeapMB)} MiB; model bytes ${f(readFileSync(MODEL_PATH).length / MB)} MiB\n`);
console.log('| upload | body MiB | decoder accounting MiB | live peak MiB (sampled) | result |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${f(r.body)} | ${f(r.accountedMB)} | ${f(r.liveMB)} | ${r.status} |`);
const worstDecode = Math.max(LIMITS.maxDecodeMemoryMB, ...results.map((r) => r.liveMB));
const bodyCopies = 3 * (LIMITS.maxBodyBytes / MB);
const total = wasmMB + ortHeapMB + readFileSync(MODEL_PATH).length / MB + bodyCopies + worstDecode;
console.log(`\nWorst case for one request: ORT ${f(wasmMB + ortHeapMB)} + model ${f(readFileSync(MODEL_PATH).length / MB)} + body x3 ${f(bodyCopies)} + decode ${f(worstDecode)} = ${f(total)} MiB of the 128 MB isolate limit`);
