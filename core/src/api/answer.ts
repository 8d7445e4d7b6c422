/**
 * POST /classify's 200 answer from core's analysis: the largest face's fields at the top level (all
 * null when there is none), every face, the message, the model and the rounded timings. The worker
 * answers with it and the emotion-edge package's analyzers return it, so both have one shape.
 */
import type { Analysis } from '../analyze.ts';
import type { ClassifyResponse, Face, ModelId, Nullable } from './response.ts';

export const NO_FACE_MESSAGE =
  'No face was found in this image. Send box=x,y,w,h to classify a region of it, or detect=false to classify the whole image.';

const NO_FACE: Nullable<Face> = {
  box: null,
  crop: null,
  detection_score: null,
  landmarks: null,
  pose: null,
  quality: null,
  emotion: null,
  confidence: null,
  uncertain: null,
  scores: null,
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
  const top = faces[0] ?? NO_FACE;
  return {
    emotion: top.emotion,
    confidence: top.confidence,
    uncertain: top.uncertain,
    scores: top.scores,
    box: top.box,
    crop: top.crop,
    detection_score: top.detection_score,
    landmarks: top.landmarks,
    pose: top.pose,
    quality: top.quality,
    faces,
    message: faces.length ? null : NO_FACE_MESSAGE,
    source: analysis.source,
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
}
