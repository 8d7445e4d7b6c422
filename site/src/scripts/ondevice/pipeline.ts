/**
 * The on-device answer for a photo or a camera frame: core's analyzeImage (the pipeline of the
 * worker's POST /classify: decode, detect, align, ScratchCNN with flip TTA) on the browser's
 * onnxruntime-web, with /classify's default parameters and limits (@emotion/core/api), so both
 * modes give the same answer.
 */
import { type Analysis, type AnalyzeModels, analyzeImage, emotionClassifier, type ImageSource, rgbaSource } from '@emotion/core';
import { ANALYZE_LIMITS, DEFAULT_CLASSIFY_PARAMS, LIMITS } from '@emotion/core/api';
import { faceDetector } from '@emotion/core/faces';
import type { Runtime } from './runtime';

/** Camera and video frames are analyzed at most this wide: BlazeFace reads 256 px, and a face crop needs ~200. */
export const ANALYZE_SIDE = 640;

export type DeviceAnswer = Analysis & { message: string | null; timings: Analysis['timings'] & { total: number } };

const models = new WeakMap<Runtime, AnalyzeModels>();
function modelsOf(rt: Runtime): AnalyzeModels {
  let m = models.get(rt);
  if (!m) {
    // LIMITS.maxBatch rows a run, as the worker: ORT's WebAssembly memory grows for the biggest batch and never shrinks.
    m = {
      detector: faceDetector(rt.detector, rt.ort.Tensor),
      classifier: emotionClassifier(rt.classifier, rt.ort.Tensor, { maxBatch: LIMITS.maxBatch }),
    };
    models.set(rt, m);
  }
  return m;
}

async function analyze(rt: Runtime, input: Uint8Array | ImageSource): Promise<DeviceAnswer> {
  const t0 = performance.now();
  const a = await analyzeImage(input, modelsOf(rt), DEFAULT_CLASSIFY_PARAMS, ANALYZE_LIMITS);
  return {
    ...a,
    message: a.faces.length ? null : 'No face was found in this photo.',
    timings: { ...a.timings, total: performance.now() - t0 },
  };
}

/** A JPEG or PNG (the page's shrunk upload), as /classify would answer it. Throws core's ImageError for a bad file. */
export const analyzeBytes = (rt: Runtime, bytes: Uint8Array): Promise<DeviceAnswer> => analyze(rt, bytes);

/** A camera frame's pixels (canvas getImageData). */
export const analyzePixels = (rt: Runtime, rgba: Uint8Array, width: number, height: number): Promise<DeviceAnswer> =>
  analyze(rt, rgbaSource(rgba, width, height));
