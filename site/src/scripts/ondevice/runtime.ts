/**
 * onnxruntime-web and the two models in the visitor's browser. Everything here is loaded on demand
 * (the page imports this module with import() when on-device mode or the camera is first used):
 * ORT's JavaScript, its WebAssembly (SIMD; threaded where the page is cross-origin isolated) and
 * the two ONNX files, fetched with a byte count for the progress bar and kept in the Cache API, so
 * the second visit, and an offline one, loads from disk.
 */
import type { InferenceSession } from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import detectorUrl from '../../../../model/blazeface.onnx?url';
import classifierUrl from '../../../../model/scratchcnn.onnx?url';

/** Why on-device mode cannot run; the page shows `message` and the upload path keeps working. */
export class OnDeviceError extends Error {
  constructor(
    readonly code: 'no_simd' | 'download_failed' | 'runtime_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface Progress {
  loaded: number;
  /** 0 while a size is unknown. */
  total: number;
}

export interface Runtime {
  ort: typeof import('onnxruntime-web');
  classifier: InferenceSession;
  detector: InferenceSession;
  threads: number;
  /** Milliseconds from the first byte fetched to both sessions created. */
  loadMs: number;
}

const CACHE = 'emotion-ondevice';
/** Hashed file names (Vite): a new build's files are new cache entries; the old ones are dropped. */
const FILES = [wasmUrl, classifierUrl, detectorUrl].map((u) => new URL(u, location.href).href);

/** A module using one SIMD instruction (i8x16.splat + i8x16.popcnt), as wasm-feature-detect checks. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function hasWasmSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

async function openCache(): Promise<Cache | null> {
  try {
    if (!('caches' in globalThis)) return null;
    const cache = await caches.open(CACHE);
    for (const req of await cache.keys()) if (!FILES.includes(req.url)) await cache.delete(req);
    return cache;
  } catch {
    return null; // private windows and http pages may have no Cache API: fetch every time
  }
}

/** One file's bytes, from the cache or the network, counting bytes as they arrive. */
async function fetchBytes(url: string, cache: Cache | null, onBytes: (loaded: number, total: number) => void): Promise<Uint8Array> {
  let res = (await cache?.match(url).catch(() => undefined)) ?? null;
  const cached = !!res;
  if (!res) {
    try {
      res = await fetch(url, { credentials: 'same-origin' });
    } catch {
      throw new OnDeviceError('download_failed', 'Could not download the on-device model: check your connection and try again.');
    }
    if (!res.ok) throw new OnDeviceError('download_failed', `Could not download the on-device model (the server answered ${res.status}).`);
  }
  const total = Number(res.headers.get('content-length')) || 0;
  const reader = res.body?.getReader();
  const parts: Uint8Array[] = [];
  let loaded = 0;
  try {
    if (!reader) parts.push(new Uint8Array(await res.arrayBuffer()));
    else
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        loaded += value.byteLength;
        onBytes(loaded, Math.max(total, loaded));
      }
  } catch {
    throw new OnDeviceError('download_failed', 'The on-device model download was interrupted: try again.');
  }
  const bytes = parts.length === 1 ? parts[0] : new Uint8Array(loaded);
  if (parts.length !== 1) for (let i = 0, o = 0; i < parts.length; o += parts[i].byteLength, i++) bytes.set(parts[i], o);
  onBytes(bytes.byteLength, bytes.byteLength);
  if (!cached)
    await cache
      ?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }))
      .catch(() => {});
  return bytes;
}

let runtime: Promise<Runtime> | null = null;

/**
 * The runtime, created once per page; a failed load (e.g. a download) is tried again by the next
 * call. `onProgress` hears the bytes of the three files together.
 */
export function loadRuntime(onProgress: (p: Progress) => void = () => {}): Promise<Runtime> {
  runtime ??= createRuntime(onProgress).catch((e) => {
    runtime = null;
    throw e;
  });
  return runtime;
}

async function createRuntime(onProgress: (p: Progress) => void): Promise<Runtime> {
  if (!hasWasmSimd())
    throw new OnDeviceError(
      'no_simd',
      'This browser does not support WebAssembly SIMD, which on-device mode needs. Choose “At the edge”, or use a current browser.',
    );
  const t0 = performance.now();
  const cache = await openCache();
  const seen = FILES.map(() => ({ loaded: 0, total: 0 }));
  const report = () =>
    onProgress(seen.reduce((a, b) => ({ loaded: a.loaded + b.loaded, total: a.total + b.total }), { loaded: 0, total: 0 }));
  const [ortModule, wasm, classifierBytes, detectorBytes] = await Promise.all([
    import('onnxruntime-web/wasm'),
    ...FILES.map((url, i) =>
      fetchBytes(url, cache, (loaded, total) => {
        seen[i] = { loaded, total };
        report();
      }),
    ),
  ]);
  const ort = ortModule as unknown as typeof import('onnxruntime-web');
  // Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages (the
  // worker sends COOP and COEP with the site: worker/src/security-headers.ts).
  const threads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = wasm;
  try {
    const options: InferenceSession.SessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
    const classifier = await ort.InferenceSession.create(classifierBytes, options);
    const detector = await ort.InferenceSession.create(detectorBytes, options);
    return { ort, classifier, detector, threads, loadMs: performance.now() - t0 };
  } catch (e) {
    throw new OnDeviceError('runtime_failed', `The on-device runtime could not start: ${(e as Error).message}`);
  }
}
