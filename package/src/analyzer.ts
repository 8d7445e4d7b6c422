/**
 * The analyzer, whatever the runtime: core's analyzeImage on two onnxruntime sessions (ScratchCNN
 * and BlazeFace), with POST /classify's parameters, limits and answer (core's api), so a photo
 * analyzed here gets the answer the API gives. The Node and browser entries only open the sessions
 * their way (./node-analyzer.ts, ./browser-analyzer.ts).
 */
import {
  type AnalyzeModels,
  analyzeImage,
  emotionClassifier,
  type ImageSource,
  type OrtSessionLike,
  type OrtTensorClass,
  rgbaSource,
} from '@emotion/core';
import { ANALYZE_LIMITS, analyzeOptions, type ClassifyResponse, classifyAnswer, LIMITS, MODEL_ID, readParams } from '@emotion/core/api';
import { faceDetector } from '@emotion/core/faces';
import { fromCoreError } from './errors.ts';
import { type ClassifyOptions, toQuery } from './options.ts';

/** Decoded RGBA pixels, e.g. a canvas's ImageData (no EXIF orientation: they are upright as given). */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** A JPEG or PNG file's bytes, or decoded pixels. The browser entry also takes a video frame or any canvas image source. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | Pixels;

/** Both models' sessions on one onnxruntime, with its Tensor class. */
export interface Sessions {
  classifier: OrtSessionLike;
  detector: OrtSessionLike;
  Tensor: OrtTensorClass;
}

export interface Analyzer<I = ImageInput> {
  /** The image analyzed as POST /classify would answer it. Throws EmotionEdgeError (the API's code and status) for a bad image or option. */
  analyze(image: I, options?: ClassifyOptions): Promise<ClassifyResponse>;
  /** Opens the models now rather than on the first image (they load once, on first use). */
  ready(): Promise<void>;
  /** Frees both sessions. */
  close(): Promise<void>;
}

const isPixels = (v: unknown): v is Pixels =>
  typeof v === 'object' && v !== null && 'data' in v && 'width' in v && 'height' in v && ArrayBuffer.isView((v as Pixels).data);

/** Bytes stay bytes (shrink-on-load decoding reads them as needed); pixels become an upright RGBA source. */
export async function toImage(input: ImageInput): Promise<Uint8Array | ImageSource> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  if (isPixels(input))
    return rgbaSource(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), input.width, input.height);
  throw new TypeError('analyze() takes JPEG or PNG bytes (Uint8Array, ArrayBuffer, Blob) or RGBA pixels ({ data, width, height }).');
}

/**
 * An analyzer on sessions that `open` creates on first use. `toInput` turns what the caller passes
 * into bytes or pixels (the browser adds video frames).
 */
export function analyzerOn<I = ImageInput>(
  open: () => Promise<Sessions>,
  toInput: (input: I) => Promise<Uint8Array | ImageSource> = toImage as (input: I) => Promise<Uint8Array | ImageSource>,
): Analyzer<I> {
  let sessions: Promise<Sessions> | null = null;
  let models: AnalyzeModels | null = null;
  const load = async (): Promise<{ models: AnalyzeModels; loadMs?: number }> => {
    if (models) return { models };
    const t0 = performance.now();
    sessions ??= open().catch((e) => {
      sessions = null; // the next call tries again
      throw e;
    });
    const s = await sessions;
    // LIMITS.maxBatch rows a run, as the worker: the same batches, the same numbers.
    models ??= {
      detector: faceDetector(s.detector, s.Tensor),
      classifier: emotionClassifier(s.classifier, s.Tensor, { maxBatch: LIMITS.maxBatch }),
    };
    return { models, loadMs: performance.now() - t0 };
  };
  return {
    async analyze(image, options = {}) {
      const t0 = performance.now();
      try {
        // The worker's own parsers, on the query string the client would send.
        const ask = analyzeOptions(readParams(toQuery(options)));
        const input = await toInput(image);
        let loadMs: number | undefined;
        const analysis = await analyzeImage(
          input,
          async () => {
            const loaded = await load();
            loadMs = loaded.loadMs;
            return loaded.models;
          },
          ask,
          ANALYZE_LIMITS,
        );
        return classifyAnswer(analysis, ask.tta, { total: performance.now() - t0, modelLoad: loadMs }, MODEL_ID);
      } catch (err) {
        throw fromCoreError(err);
      }
    },
    async ready() {
      await load();
    },
    async close() {
      const s = await sessions?.catch(() => null);
      sessions = null;
      models = null;
      await Promise.all([s?.classifier.release?.(), s?.detector.release?.()]);
    },
  };
}
