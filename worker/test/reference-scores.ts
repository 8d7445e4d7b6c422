/**
 * What the Worker's scores should be, from onnxruntime-node on the same model input through core's
 * classifier: the softmax of the crop's logits, or with flip TTA (the Worker's default) the mean of
 * the crop's and its mirror's. What this checks is the runtime: onnxruntime-web in workerd against
 * onnxruntime-node.
 */

import { emotionClassifier } from '@emotion/core/emotion';
import * as ort from 'onnxruntime-node';

export async function referenceScores(session: ort.InferenceSession, input: Float32Array, tta = true): Promise<number[]> {
  return Array.from(await emotionClassifier(session, ort.Tensor).probabilities(input, 1, { tta }));
}
