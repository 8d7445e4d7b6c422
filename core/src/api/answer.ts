/**
 * POST /classify's 200 answer from core's analysis: the largest face's fields at the top level (all
 * null when there is none), every face, the message, the model and the rounded timings. The worker
 * answers with it and the emotion-edge package's analyzers return it, so both have one shape.
 */
import type { Analysis } from '../analyze.ts';
import { type ClassifyResponse, FaceSchema, type ModelId } from './response.ts';

const NO_FACE_MESSAGE =
  'No face was found in this image. Send box=x,y,w,h to classify a region of it, or detect=false to classify the whole image.';

/** Every face field, null: the top level of an answer without a face. */
const NO_FACE = Object.fromEntries(Object.keys(FaceSchema.shape).map((k) => [k, null])) as {
  [K in keyof typeof FaceSchema.shape]: null;
};

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Milliseconds the analysis does not know: the whole request, and creating the sessions on a cold start. */
export interface AnswerTimes {
  total: number;
  modelLoad?: number;
}

/** The /classify answer of an analysis by the model `model` names. */
export function classifyAnswer(analysis: Analysis, tta: boolean, times: AnswerTimes, model: ModelId): ClassifyResponse {
  const { faces, timings } = analysis;
  const envelope = {
    tta,
    image: analysis.image,
    damaged: analysis.damaged,
    model,
    timings: {
      decode: round(timings.decode),
      ...(timings.detect !== undefined ? { detect: round(timings.detect) } : {}),
      preprocess: round(timings.preprocess),
      inference: round(timings.inference),
      ...(times.modelLoad !== undefined ? { model_load: round(times.modelLoad) } : {}),
      total: round(times.total),
    },
  };
  const [top] = faces;
  if (top === undefined) return { ...NO_FACE, faces: [], message: NO_FACE_MESSAGE, source: 'detection', ...envelope };
  return { ...top, faces, message: null, source: analysis.source, ...envelope };
}
