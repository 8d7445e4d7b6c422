/**
 * What core's models need of an onnxruntime (onnxruntime-web in the worker and the browser,
 * onnxruntime-node in Node): the caller creates the InferenceSession its own way and hands it in
 * with that runtime's Tensor class, so core depends on neither.
 */

/** What the models need of an onnxruntime InferenceSession. */
export interface OrtSessionLike {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dispose?(): void }>>;
  /** Frees the session (onnxruntime-node and -web have it). */
  release?(): Promise<void>;
}

/** What the models need of onnxruntime's Tensor class. */
export type OrtTensorClass = new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;

/**
 * Turns off onnxruntime-node's usage telemetry unless the user chose otherwise. Its official Linux
 * and macOS builds (1.29 on; we use 1.30) send Microsoft, by default, process, session, model and
 * performance events, and keep a device id and an event cache under
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime. Someone running our CLI or tools on their own
 * photos expects nothing to leave the machine. `ORT_DISABLE_TELEMETRY=1` stops all of it when it is
 * set before the process's first session (the runtime reads it once); every Node path that opens a
 * session calls this first. onnxruntime-web (the Worker, the browser) has no telemetry.
 */
export function optOutOfOrtTelemetry(): void {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  if (env && env.ORT_DISABLE_TELEMETRY === undefined) env.ORT_DISABLE_TELEMETRY = '1';
}
