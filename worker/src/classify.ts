/**
 * POST /classify as one function of the request: read it (classify-request.ts), run core's
 * analyzeImage (decode, pick the regions: the faces found, the caller's boxes, or the whole image;
 * classify them in batches) on this isolate's models, and shape the JSON answer.
 */
import { analyzeImage } from '@emotion/core';
import { type ClassifyResponse, type Face, LIMITS, type Nullable } from '@emotion/core/api';
import { readClassifyRequest } from './classify-request.ts';
import { SOURCE_LIMITS } from './decode.ts';
import { getEngine, isEngineReady } from './engine.ts';
import { NO_FACE_MESSAGE } from './faces.ts';
import { MODEL_ID } from './model-info.ts';

const round = (ms: number) => Math.round(ms * 100) / 100;

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

export async function handleClassify(req: Request): Promise<ClassifyResponse> {
  const tStart = performance.now();
  const { bytes, boxes, params } = await readClassifyRequest(req);
  let modelLoad: number | undefined;
  // Loaded only once the image decodes; timed apart from the stages.
  const models = async () => {
    const cold = !isEngineReady();
    const t0 = performance.now();
    const engine = await getEngine();
    if (cold) modelLoad = performance.now() - t0;
    return engine;
  };
  const analysis = await analyzeImage(bytes, models, { ...params, boxes }, { ...SOURCE_LIMITS, maxFaces: LIMITS.maxFaces });
  const { faces, timings } = analysis;
  const timingsOut: ClassifyResponse['timings'] = {
    decode: round(timings.decode),
    ...(timings.detect !== undefined ? { detect: round(timings.detect) } : {}),
    preprocess: round(timings.preprocess),
    inference: round(timings.inference),
    ...(modelLoad !== undefined ? { model_load: round(modelLoad) } : {}),
    total: round(performance.now() - tStart),
  };
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
    tta: params.tta,
    image: analysis.image,
    damaged: analysis.damaged,
    model: MODEL_ID,
    timings: timingsOut,
  };
}
