/**
 * POST /classify as one function of the request: read it (classify-request.ts), run core's
 * analyzeImage (decode, pick the regions: the faces found, the caller's boxes, or the whole image;
 * classify them in batches) on this isolate's models, and shape the answer (core's classifyAnswer).
 */
import { analyzeImage } from '@emotion/core';
import { ANALYZE_LIMITS, type ClassifyResponse, classifyAnswer } from '@emotion/core/api';
import { readClassifyRequest } from './classify-request.ts';
import { getEngine, isEngineReady } from './engine.ts';
import { MODEL_ID } from './model-info.ts';

export async function handleClassify(req: Request): Promise<ClassifyResponse> {
  const tStart = performance.now();
  const { bytes, options } = await readClassifyRequest(req);
  let modelLoad: number | undefined;
  // Loaded only once the image decodes; timed apart from the stages.
  const models = async () => {
    const cold = !isEngineReady();
    const t0 = performance.now();
    const engine = await getEngine();
    if (cold) modelLoad = performance.now() - t0;
    return engine;
  };
  const analysis = await analyzeImage(bytes, models, options, ANALYZE_LIMITS);
  return classifyAnswer(analysis, options.tta, { total: performance.now() - tStart, modelLoad }, MODEL_ID);
}
