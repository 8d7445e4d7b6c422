/** The exported ONNX model on onnxruntime-node, through core's emotion classifier (batches, softmax, flip TTA). */
import { fileURLToPath } from 'node:url';
import { type EmotionClassifier, emotionClassifier } from '@emotion/core/emotion';
import { optOutOfOrtTelemetry } from '@emotion/core/ort';
import * as ort from 'onnxruntime-node';

/** The committed model folder at the repository root, which the worker and the site read. */
export const MODEL_DIR = fileURLToPath(new URL('../../model', import.meta.url));

export async function openModel(path: string): Promise<EmotionClassifier> {
  optOutOfOrtTelemetry();
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return emotionClassifier(session, ort.Tensor);
}
