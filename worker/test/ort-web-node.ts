/**
 * onnxruntime-web's WASM build loaded in Node as the Worker runs it (one thread, no proxy), with
 * the WebAssembly memory it creates observable: Node has the same V8 and ORT WebAssembly as workerd,
 * which enforces and reports no memory limit locally.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const ORT_SESSION_OPTIONS = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };

export async function loadOrtWeb(): Promise<{ ort: any; wasmBytes: () => number; restore: () => void }> {
  const memories: WebAssembly.Memory[] = [];
  const RealMemory = WebAssembly.Memory;
  (WebAssembly as { Memory: unknown }).Memory = new Proxy(RealMemory, {
    construct(target, args) {
      const m = Reflect.construct(target, args) as WebAssembly.Memory;
      memories.push(m);
      return m;
    },
  });
  const restore = () => void ((WebAssembly as { Memory: unknown }).Memory = RealMemory);
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
    const ort = await import(join(dist, 'ort.wasm.bundle.min.mjs'));
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmBinary = readFileSync(join(dist, 'ort-wasm-simd-threaded.wasm'));
    return { ort, wasmBytes: () => memories.reduce((a, m) => a + m.buffer.byteLength, 0), restore };
  } catch (err) {
    restore();
    throw err;
  }
}
