/**
 * Node-only: opens model/blazeface.onnx with the caller's onnxruntime-node module (core itself does
 * not depend on it), e.g. `openFaceDetector(await import('onnxruntime-node'))`.
 */
import { fileURLToPath } from 'node:url';
import { optOutOfOrtTelemetry } from '../ort.ts';
import { type BlazeFace, faceDetector, type OrtSessionLike, type OrtTensorClass } from './blazeface.ts';

/** The committed detector model, at the repository root. */
export const DETECTOR_MODEL_FILE = fileURLToPath(new URL('../../../model/blazeface.onnx', import.meta.url));

export interface OrtNodeLike {
  InferenceSession: {
    create(path: string, options?: { intraOpNumThreads?: number; interOpNumThreads?: number }): Promise<OrtSessionLike>;
  };
  Tensor: OrtTensorClass;
}

export async function openFaceDetector(ort: OrtNodeLike, modelPath = DETECTOR_MODEL_FILE): Promise<BlazeFace> {
  optOutOfOrtTelemetry();
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return faceDetector(session, ort.Tensor);
}
