/**
 * POST /classify's 200 answer from core's analysis: the largest face's fields at the top level (all
 * null when there is none), every face, the message, the model and the rounded timings. The worker
 * answers with it and the emotion-edge package's analyzers return it, so both have one shape.
 */
import type { Analysis } from '../analyze.ts';
import { type ClassifyResponse, type Face, FaceSchema, type ModelId } from './response.ts';

const NO_FACE_MESSAGE =
  'No face was found in this image. Send box=x,y,w,h to classify a region of it, or detect=false to classify the whole image.';

const FACE_FIELDS = Object.keys(FaceSchema.shape) as (keyof Face)[];

/** Every face field, null: the top level of an answer without a face. */
const NO_FACE = Object.fromEntries(FACE_FIELDS.map((k) => [k, null])) as { [K in keyof Face]: null };

/** The face's fields in the schema's order (emotion first), and nothing else. */
const faceFields = (face: Face) => Object.fromEntries(FACE_FIELDS.map((k) => [k, face[k]])) as Face;

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
  return { ...faceFields(top), faces, message: null, source: analysis.source, ...envelope };
}
