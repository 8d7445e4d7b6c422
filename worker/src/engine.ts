/**
 * onnxruntime-web (WASM backend) inside workerd. Two InferenceSessions per isolate on the one ORT
 * instance, the emotion model and the face detector, created together on first use and reused by
 * every request.
 *
 * Workers refuse to compile WebAssembly from bytes at run time; only a precompiled
 * WebAssembly.Module (which wrangler makes from an imported `.wasm` file) can be instantiated.
 * ORT 1.30 copies `env.wasm.wasmBinary` into a fresh byte array and hands that to
 * `WebAssembly.instantiate`, and its config has no hook for a module. So we give ORT a small
 * marker as its "binary" and, while ORT initializes, substitute the precompiled module when
 * `WebAssembly.instantiate` is called with exactly those marker bytes.
 */

import { LIMITS } from '@emotion/core/api';
import { type EmotionClassifier, emotionClassifier } from '@emotion/core/emotion';
import { type FaceDetector, faceDetector } from '@emotion/core/faces';
import ortWasmModule from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import * as ort from 'onnxruntime-web/wasm';
import detectorBytes from '../../model/blazeface.onnx';
import modelBytes from '../../model/scratchcnn.onnx';
import { UNCERTAIN_BELOW } from './model-info.ts';

/** Not valid WebAssembly on purpose: if the substitution ever failed, instantiation fails loudly. */
const MARKER = new TextEncoder().encode('emotion-edge:precompiled-ort-wasm');

function isMarker(source: unknown): boolean {
  let bytes: Uint8Array | null = null;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source)) bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (!bytes || bytes.byteLength !== MARKER.byteLength) return false;
  return bytes.every((b, i) => b === MARKER[i]);
}

async function withPrecompiledWasm<T>(fn: () => Promise<T>): Promise<T> {
  const original = WebAssembly.instantiate;
  const patched = async (source: unknown, imports?: WebAssembly.Imports) => {
    if (isMarker(source)) {
      const instance = await original(ortWasmModule, imports);
      return { instance, module: ortWasmModule };
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  try {
    return await fn();
  } finally {
    WebAssembly.instantiate = original;
  }
}

export interface Engine {
  /**
   * ScratchCNN (model/scratchcnn.onnx) behind core's runtime-neutral classifier, at most
   * LIMITS.maxBatch model rows per run (a bigger batch would grow ORT's memory for good).
   */
  classifier: EmotionClassifier;
  /** BlazeFace (model/blazeface.onnx) behind core's runtime-neutral detector. */
  detector: FaceDetector;
  /** Milliseconds spent creating both sessions (the cold-start cost of this isolate). */
  initMs: number;
}

let enginePromise: Promise<Engine> | null = null;
let engineReady = false;

/** True once this isolate's sessions exist (the next inference pays no load cost). */
export function isEngineReady(): boolean {
  return engineReady;
}

/**
 * The isolate's engine, created once. A failed creation (e.g. a bad model) is tried again by the
 * next request; ORT itself refuses to start its WebAssembly twice, so a failure there lasts until
 * the platform replaces the isolate.
 */
export function getEngine(): Promise<Engine> {
  if (!enginePromise) {
    enginePromise = createEngine()
      .then((engine) => {
        engineReady = true;
        return engine;
      })
      .catch((err) => {
        enginePromise = null;
        throw err;
      });
  }
  return enginePromise;
}

async function createEngine(): Promise<Engine> {
  const t0 = performance.now();
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = MARKER;
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  // One after the other inside one substitution: the first creation starts ORT's WebAssembly, the
  // second reuses it (and nested WebAssembly.instantiate patches could not be undone in order).
  const { session, detectorSession } = await withPrecompiledWasm(async () => ({
    session: await ort.InferenceSession.create(new Uint8Array(modelBytes), options),
    detectorSession: await ort.InferenceSession.create(new Uint8Array(detectorBytes), options),
  }));
  return {
    classifier: emotionClassifier(session, ort.Tensor, { maxBatch: LIMITS.maxBatch, uncertainBelow: UNCERTAIN_BELOW }),
    detector: faceDetector(detectorSession, ort.Tensor),
    initMs: performance.now() - t0,
  };
}
