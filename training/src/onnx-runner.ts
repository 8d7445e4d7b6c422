/** Runs the exported ONNX model with onnxruntime-node over many inputs, in batches. */
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import { mirrorInputs } from '@emotion/core/preprocess';
import { softmaxRows } from './report.ts';

const PIX = INPUT_SIZE * INPUT_SIZE;

/** The committed model folder at the repository root, which the worker and the site read. */
export const MODEL_DIR = fileURLToPath(new URL('../../model', import.meta.url));

export async function openModel(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

export async function onnxLogits(session: ort.InferenceSession, inputs: Float32Array, batch = 256): Promise<Float32Array> {
  const n = inputs.length / PIX;
  const out = new Float32Array(n * NUM_CLASSES);
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const t = new ort.Tensor('float32', inputs.subarray(s * PIX, e * PIX), [e - s, 1, INPUT_SIZE, INPUT_SIZE]);
    const r = await session.run({ input: t });
    out.set(r.logits.data as Float32Array, s * NUM_CLASSES);
  }
  return out;
}

/** Class probabilities of each input; with `tta`, averaged with its mirror image's (as the worker does). */
export async function onnxProbabilities(session: ort.InferenceSession, inputs: Float32Array, tta: boolean): Promise<Float64Array> {
  const probs = softmaxRows(await onnxLogits(session, inputs));
  return tta ? averageWithMirror(session, inputs, probs) : probs;
}

/** `probs` (the inputs' own class probabilities) averaged with those of the inputs' mirror images. */
export async function averageWithMirror(session: ort.InferenceSession, inputs: Float32Array, probs: Float64Array): Promise<Float64Array> {
  const mirrored = softmaxRows(await onnxLogits(session, mirrorInputs(inputs)));
  return probs.map((p, i) => (p + mirrored[i]) / 2);
}
