/**
 * `npm run bench -w worker`: the Worker in workerd (wrangler's local runtime, 127.0.0.1), one run.
 * Prints cold start, p50/p95 server time per stage (face detection included) for a 48x48 crop, a
 * 640x480 JPEG, a 1000x1000 PNG (made here from the shared photos) and a real group photo, and
 * WASM-in-workerd against onnxruntime-node on the same input: the emotion model on one preprocessed
 * 48x48 crop, and face detection (letterbox + detector + NMS) on the 640x480 image.
 * Options: --requests N (default 60), --cold N (default 3).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { decodeGray, toModelInput } from '@emotion/core';
import { decodeRgba } from '@emotion/core/decode';
import { DEFAULT_DETECTION_OPTIONS } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { hasTool } from '@emotion/core/testing/tools';
import * as ort from 'onnxruntime-node';
import { MODEL_PATH, type RunningWorker, startWorker } from '../test/harness.ts';
import { type Bytes, encodeJpeg, encodePng, ferCrops, photo, resampledRgba } from '../test/images.ts';
import { groupPhotoJpeg, upscaledPhotoJpeg } from '../test/large-images.ts';
import { decoderRows } from './decoders.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '60' }, cold: { type: 'string', default: '3' } } });
const REQUESTS = Number(values.requests);
const COLD = Number(values.cold);
const WARMUP = 5;
const loadBefore = os.loadavg();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

interface Input {
  name: string;
  bytes: Bytes;
  type: string;
  /** Query string, e.g. ?detect=false. */
  query?: string;
}

const crop = ferCrops(1).find((c) => c.label === 'happy')!;
const jpeg640 = encodeJpeg(resampledRgba('bbt1.jpg', 640, 480), 640, 480, 85);
const inputs: Input[] = [
  // The whole crop, as before face detection: the inference ratio below is measured on it.
  { name: '48x48 JPEG crop (FER2013), detect=false', bytes: crop.bytes, type: 'image/jpeg', query: '?detect=false' },
  { name: '48x48 JPEG crop (FER2013), detect=false, tta=false', bytes: crop.bytes, type: 'image/jpeg', query: '?detect=false&tta=false' },
  { name: '48x48 JPEG crop (FER2013)', bytes: crop.bytes, type: 'image/jpeg' },
  { name: '640x480 JPEG, detect=false', bytes: jpeg640, type: 'image/jpeg', query: '?detect=false' },
  { name: '640x480 JPEG', bytes: jpeg640, type: 'image/jpeg' },
  { name: '640x480 JPEG, tta=false', bytes: jpeg640, type: 'image/jpeg', query: '?tta=false' },
  { name: '1000x1000 PNG', bytes: encodePng(resampledRgba('bbt1.jpg', 1000, 1000), 1000, 1000), type: 'image/png' },
  { name: 'bbt1.jpg, 1366x768', bytes: photo('bbt1.jpg'), type: 'image/jpeg' },
];
// Phone-sized photos (made with cjpeg, as cameras encode: baseline 4:2:0), when cjpeg is installed.
const large: Input[] = hasTool('cjpeg')
  ? [
      {
        name: '12 MP EXIF-6 portrait JPEG, 3024x4032',
        bytes: upscaledPhotoJpeg('happy.jpg', 3024, 4032, { orientation: 6, quality: 92 }),
        type: 'image/jpeg',
      },
      { name: '12 MP group photo JPEG (16 faces), 4032x3024', bytes: groupPhotoJpeg(), type: 'image/jpeg' },
      {
        name: '12 MP progressive JPEG, 4032x3024',
        bytes: upscaledPhotoJpeg('surprised.jpg', 4032, 3024, { quality: 90, flags: ['-progressive'] }),
        type: 'image/jpeg',
      },
      { name: '48 MP JPEG, 8000x6000', bytes: upscaledPhotoJpeg('bbt1.jpg', 8000, 6000, { quality: 85 }), type: 'image/jpeg' },
    ]
  : [];
if (!large.length) console.log('cjpeg not found (apt-get install libjpeg-turbo-progs): no rows for phone-sized photos.');
inputs.push(...large);

async function classify(w: RunningWorker, input: Input) {
  const t0 = performance.now();
  const res = await w.fetch(`/classify${input.query ?? ''}`, {
    method: 'POST',
    body: input.bytes,
    headers: { 'content-type': input.type },
  });
  const text = await res.text();
  const client = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${input.name}: status ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text);
  return {
    client,
    timings: body.timings as Record<string, number>,
    faces: (body.faces as unknown[]).length,
    source: body.source as string,
  };
}

// Cold start: a fresh workerd; its first request loads the script (compiling ORT's WASM), the first
// /classify creates both InferenceSessions (emotion model and face detector).
const cold: { boot: number; script: number; first: number; load: number }[] = [];
for (let i = 0; i < COLD; i++) {
  const t0 = performance.now();
  const w = await startWorker();
  const boot = performance.now() - t0;
  const t1 = performance.now();
  await (await w.fetch('/healthz')).arrayBuffer();
  const script = performance.now() - t1;
  const r = await classify(w, inputs[0]);
  cold.push({ boot, script, first: r.client, load: r.timings.model_load ?? NaN });
  await w.dispose();
}

const w = await startWorker();
const rows: string[] = [];
const stages = ['decode', 'detect', 'preprocess', 'inference', 'total'] as const;
let wasmInference: number[] = [];
let wasmDetect: number[] = [];
for (const input of inputs) {
  let faces = 0;
  for (let i = 0; i < WARMUP; i++) faces = (await classify(w, input)).faces;
  const t: Record<string, number[]> = { decode: [], detect: [], preprocess: [], inference: [], total: [], client: [] };
  for (let i = 0; i < REQUESTS; i++) {
    const r = await classify(w, input);
    for (const s of stages) if (r.timings[s] !== undefined) t[s].push(r.timings[s]);
    t.client.push(r.client);
  }
  // One model row, as onnxruntime-node runs it below.
  if (input.query === '?detect=false&tta=false') wasmInference = t.inference;
  if (input.bytes === jpeg640 && !input.query) wasmDetect = t.detect;
  const kb = (input.bytes.length / 1024).toFixed(0);
  const cell = (s: string) => (t[s].length ? `${f(pct(t[s], 50))} / ${f(pct(t[s], 95))}` : '-');
  rows.push(`| ${input.name} (${kb} KB) | ${input.query ? '-' : faces} | ${[...stages, 'client'].map(cell).join(' | ')} |`);
}
await w.dispose();

// onnxruntime-node running the same detection (core's letterbox, detector, NMS) on the 640x480 image.
const nodeDetector = await openFaceDetector(ort);
const rgba640 = decodeRgba(jpeg640);
const nodeDetect: number[] = [];
for (let i = 0; i < 10 + REQUESTS; i++) {
  const t0 = performance.now();
  await nodeDetector.detect({ ...rgba640, x0: 0, y0: 0, step: 1 }, { minScore: DEFAULT_DETECTION_OPTIONS.scoreThreshold });
  if (i >= 10) nodeDetect.push(performance.now() - t0);
}

// onnxruntime-node on the same preprocessed input (the 48x48 crop), in this process.
const input = toModelInput(decodeGray(crop.bytes));
const node: Record<string, number[]> = {};
for (const [label, opts] of [
  ['1 thread', { intraOpNumThreads: 1 }],
  ['default threads', {}],
] as const) {
  const session = await ort.InferenceSession.create(readFileSync(MODEL_PATH), { graphOptimizationLevel: 'all', ...opts });
  const times: number[] = [];
  for (let i = 0; i < 20 + REQUESTS * 3; i++) {
    const t0 = performance.now();
    await session.run({ input: new ort.Tensor('float32', input, [1, 1, 48, 48]) });
    if (i >= 20) times.push(performance.now() - t0);
  }
  node[label] = times;
  await session.release();
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\nWorker benchmark: workerd via wrangler ${(await import('wrangler/package.json', { with: { type: 'json' } })).default.version}, ` +
    `onnxruntime-web 1.30.0 (WASM SIMD, 1 thread), Node ${process.version}, ${os.cpus().length} x ${cpu}; ${REQUESTS} requests per input after ${WARMUP} warm-up; ` +
    `load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} after.\n`,
);
console.log('Cold start (fresh workerd isolate, first /classify of the 48x48 crop), ms:\n');
console.log(
  '| run | wrangler + workerd start | first request: script load (/healthz) | first /classify (client) | creating both InferenceSessions in it (server) |',
);
console.log('|---|---|---|---|---|');
cold.forEach((c, i) => console.log(`| ${i + 1} | ${f(c.boot)} | ${f(c.script)} | ${f(c.first)} | ${f(c.load)} |`));
console.log('\nWarm, server time per stage, p50 / p95 ms (workerd clock: 1 ms resolution); client = round trip on 127.0.0.1:\n');
console.log('| input | faces | decode | detect | preprocess | inference | total (server) | client |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nInference of one 1x1x48x48 input, ms:\n');
console.log('| runtime | p50 | mean | p95 |');
console.log('|---|---|---|---|');
console.log(
  `| onnxruntime-web WASM in workerd (server timing) | ${f(pct(wasmInference, 50))} | ${f(mean(wasmInference))} | ${f(pct(wasmInference, 95))} |`,
);
for (const [label, times] of Object.entries(node))
  console.log(`| onnxruntime-node, ${label} | ${f(pct(times, 50))} | ${f(mean(times))} | ${f(pct(times, 95))} |`);
console.log('');
for (const [label, times] of Object.entries(node)) {
  console.log(
    `WASM in workerd / onnxruntime-node (${label}): ${(mean(wasmInference) / mean(times)).toFixed(1)}x by means, ${(pct(wasmInference, 50) / pct(times, 50)).toFixed(1)}x by p50`,
  );
}
console.log('\nFace detection of the 640x480 JPEG (letterbox to 256x256, BlazeFace, anchors and NMS), ms:\n');
console.log('| runtime | p50 | mean | p95 |');
console.log('|---|---|---|---|');
console.log(
  `| onnxruntime-web WASM in workerd (server timing) | ${f(pct(wasmDetect, 50))} | ${f(mean(wasmDetect))} | ${f(pct(wasmDetect, 95))} |`,
);
console.log(
  `| onnxruntime-node, 1 thread (same core functions) | ${f(pct(nodeDetect, 50))} | ${f(mean(nodeDetect))} | ${f(pct(nodeDetect, 95))} |`,
);
console.log(
  `\nDetection, WASM in workerd / onnxruntime-node (1 thread): ${(mean(wasmDetect) / mean(nodeDetect)).toFixed(1)}x by means, ${(pct(wasmDetect, 50) / pct(nodeDetect, 50)).toFixed(1)}x by p50`,
);

// Decoding alone, in this process (Node, the same V8 as workerd), against jpeg-js and libjpeg-turbo.
console.log(
  '\n' +
    decoderRows([{ name: 'bbt1.jpg, 1366x768', bytes: photo('bbt1.jpg') }, ...large.map((l) => ({ name: l.name, bytes: l.bytes }))]).join(
      '\n',
    ),
);
