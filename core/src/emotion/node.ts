/**
 * Node-only: opens model/scratchcnn.onnx with the caller's onnxruntime-node module (core itself does
 * not depend on it), e.g. `openEmotionClassifier(await import('onnxruntime-node'))`.
 */
import { fileURLToPath } from 'node:url';
import type { OrtNodeLike } from '../faces/node.ts';
import { optOutOfOrtTelemetry } from '../ort.ts';
import { type EmotionClassifier, emotionClassifier } from './classifier.ts';

/** The committed emotion model, at the repository root. */
export const EMOTION_MODEL_FILE = fileURLToPath(new URL('../../../model/scratchcnn.onnx', import.meta.url));

export async function openEmotionClassifier(
  ort: OrtNodeLike,
  modelPath = EMOTION_MODEL_FILE,
  opts: { maxBatch?: number } = {},
): Promise<EmotionClassifier> {
  optOutOfOrtTelemetry();
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return emotionClassifier(session, ort.Tensor, opts);
}
