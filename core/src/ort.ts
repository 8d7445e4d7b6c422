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
