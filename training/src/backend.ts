/**
 * Run-time backend selection. The native bindings are optional dependencies (their install
 * downloads libtensorflow, impossible on some machines), so they are imported only when asked for.
 */

import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { installFastGradients } from './fast-grads.ts';

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** The tfjs backend name: tensorflow, wasm or cpu. */
  backend: string;
  /** What it runs on, in words. */
  device: string;
  /** Loud warnings the user must see (for example a GPU package that found no GPU). */
  warnings: string[];
  /** Faster backends that `auto` passed over: why each is missing and the command that fixes it. */
  missing?: string[];
}

const require = createRequire(import.meta.url);

const GPU_HELP =
  '@tensorflow/tfjs-node-gpu loaded but TensorFlow registered no GPU, so it would train on the CPU. ' +
  'tfjs-node-gpu 4.x needs an NVIDIA driver plus CUDA 11.2 and cuDNN 8.1 on the library path ' +
  '(for example: apt install cuda-toolkit-11-2 libcudnn8=8.1.*, then export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64). ' +
  'Run with --backend tensorflow to train on the CPU on purpose.';

/**
 * Why a native binding does not load, and the one command that fixes it. Both packages are optional
 * dependencies whose install script downloads libtensorflow (from storage.googleapis.com): when that
 * download fails, npm removes the package and carries on; when the script did not run, the package is
 * there without its binding. package.json's allowScripts approves both scripts (npm 11).
 */
export function whyMissing(name: string, error: string): string {
  let installed = true;
  try {
    require.resolve(`${name}/package.json`);
  } catch {
    installed = false;
  }
  if (!installed)
    return `${name} is not installed (npm drops it when its install script cannot download libtensorflow); fix: \`npm install --foreground-scripts\` at the repo root, with internet access`;
  if (/tfjs_binding|napi-v\d|Cannot find module/.test(error))
    return `${name} is installed without its native binding (its install script did not run or failed); fix: \`npm rebuild ${name} --foreground-scripts\` at the repo root, with internet access`;
  return `${name} does not load: ${error}`;
}

function tryRequire(name: string): { ok: true } | { ok: false; error: string } {
  try {
    require(name);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: whyMissing(name, (err as Error).message.split('\n')[0]) };
  }
}

/** Whether TensorFlow (via tfjs-node-gpu) placed ops on a GPU: NodeJSKernelBackend.isUsingGpuDevice. */
function nativeUsesGpu(): boolean {
  const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean; binding?: { isUsingGpuDevice?: () => boolean } };
  try {
    return b.isUsingGpuDevice === true || b.binding?.isUsingGpuDevice?.() === true;
  } catch {
    return false;
  }
}

async function useWasm(): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-wasm');
  installFastGradients();
  await tf.setBackend('wasm');
  await tf.ready();
  return { backend: 'wasm', device: 'CPU, WebAssembly SIMD, single-threaded kernels', warnings: [] };
}

export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  const tried: string[] = [];
  if (choice === 'tensorflow-gpu' || choice === 'auto') {
    const r = tryRequire('@tensorflow/tfjs-node-gpu');
    if (r.ok) {
      await tf.setBackend('tensorflow');
      if (nativeUsesGpu()) return { backend: 'tensorflow', device: 'GPU (CUDA, tfjs-node-gpu)', warnings: [] };
      if (choice === 'tensorflow-gpu') throw new Error(GPU_HELP);
      return { backend: 'tensorflow', device: 'CPU (tfjs-node-gpu found no GPU)', warnings: [GPU_HELP] };
    }
    if (choice === 'tensorflow-gpu') throw new Error(`Cannot use --backend tensorflow-gpu: ${r.error}`);
    tried.push(r.error);
  }
  if (choice === 'tensorflow' || choice === 'auto') {
    const r = tryRequire('@tensorflow/tfjs-node');
    if (r.ok) {
      await tf.setBackend('tensorflow');
      return { backend: 'tensorflow', device: 'CPU (native TensorFlow, tfjs-node)', warnings: [] };
    }
    if (choice === 'tensorflow') throw new Error(`Cannot use --backend tensorflow: ${r.error}`);
    tried.push(r.error);
  }
  if (choice === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    installFastGradients();
    await tf.setBackend('cpu');
    return { backend: 'cpu', device: 'CPU, pure JavaScript (slow; for tests)', warnings: [] };
  }
  const info = await useWasm();
  if (tried.length) {
    info.device += ' (native TensorFlow bindings unavailable)';
    info.missing = tried;
  }
  return info;
}
