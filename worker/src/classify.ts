/**
 * POST /classify as one function of the request: read the upload, decode, pick the regions,
 * classify them. Face detection plugs in at `regionsFor` and adds a `faces` array to the answer.
 */
import type { Box, GrayImage } from '@emotion/core';
import { boxWithin, requestedBox } from './box.ts';
import { classifyRegions, type Classification, type ClassifyTimings } from './classifier.ts';
import { decodeUpload } from './decode.ts';
import { MODEL_ID } from './model-info.ts';
import { readUpload } from './upload.ts';

export interface ClassifyResponse extends Classification {
  box: Box;
  image: { width: number; height: number };
  model: typeof MODEL_ID;
  timings: { decode: number } & ClassifyTimings & { total: number };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The regions to classify: the caller's box, else the whole image (until face detection exists). */
function regionsFor(img: GrayImage, box: Box | undefined): Box[] {
  return [box ? boxWithin(box, img) : { x: 0, y: 0, w: img.width, h: img.height }];
}

export async function handleClassify(req: Request): Promise<ClassifyResponse> {
  const tStart = performance.now();
  const url = new URL(req.url);
  const queryBox = url.searchParams.get('box') ?? undefined;
  const upload = await readUpload(req);
  const box = requestedBox(queryBox, upload.fields.get('box'));
  const t0 = performance.now();
  const img = decodeUpload(upload.bytes);
  const t1 = performance.now();
  const regions = regionsFor(img, box);
  const { results, timings } = await classifyRegions(img, regions);
  const main = results[0];
  const t = { decode: round(t1 - t0), preprocess: round(timings.preprocess), inference: round(timings.inference) } as ClassifyResponse['timings'];
  if (timings.model_load !== undefined) t.model_load = round(timings.model_load);
  t.total = round(performance.now() - tStart);
  return {
    emotion: main.emotion,
    confidence: main.confidence,
    scores: main.scores,
    box: regions[0],
    image: { width: img.width, height: img.height },
    model: MODEL_ID,
    timings: t,
  };
}
