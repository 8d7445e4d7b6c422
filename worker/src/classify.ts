/**
 * POST /classify as one function of the request: read the upload, decode, pick the regions (the
 * faces found, the caller's box, or the whole image), classify them in one batch.
 */
import type { ScaledImage } from '@emotion/core';
import { ApiError, type Box, type ClassifyResponse, type Face, type Nullable, type RegionSource } from '@emotion/core/api';
import { cropInput, faceQuality, readDetectionImage } from '@emotion/core/faces';
import { boxWithin, requestedBox, requestedBoxes } from './box.ts';
import { classifyInputs } from './classifier.ts';
import { openUpload } from './decode.ts';
import { getEngine, isEngineReady } from './engine.ts';
import { detectFaces, faceRegion, NO_FACE_MESSAGE, type Region } from './faces.ts';
import { MODEL_ID } from './model-info.ts';
import { classifyParams } from './params.ts';
import { readUpload } from './upload.ts';

const round = (ms: number) => Math.round(ms * 100) / 100;

const NO_FACE: Nullable<Face> = { box: null, crop: null, detection_score: null, landmarks: null, pose: null, quality: null, emotion: null, confidence: null, uncertain: null, scores: null };

export async function handleClassify(req: Request): Promise<ClassifyResponse> {
  const tStart = performance.now();
  const url = new URL(req.url);
  const upload = await readUpload(req);
  const box = requestedBox(url.searchParams.get('box') ?? undefined, upload.fields.get('box'));
  const boxes = requestedBoxes(url.searchParams.get('boxes') ?? undefined, upload.fields.get('boxes'));
  if (box && boxes) throw new ApiError('bad_box', 'Send box or boxes, not both.');
  const given = boxes ?? (box ? [box] : undefined);
  const params = classifyParams(url.searchParams, upload.fields);
  const source: RegionSource = given ? 'box' : params.detect ? 'detection' : 'whole_image';
  let modelLoad: number | undefined;
  // Loaded only once the image decodes; timed apart from the stages.
  const loadEngine = async () => {
    const cold = !isEngineReady();
    const t0 = performance.now();
    await getEngine();
    if (cold) modelLoad = performance.now() - t0;
  };

  // Decoding: the header, then only what detection and each crop need (core/src/faces/find.ts).
  const t0 = performance.now();
  const image = openUpload(upload.bytes);
  let regions: Region[];
  let detectionImage: ScaledImage | undefined;
  let inputs: Float32Array[];
  let detectMs: number | undefined;
  let decodeMs = 0;
  if (source === 'detection') {
    detectionImage = readDetectionImage(image);
    decodeMs += performance.now() - t0;
    await loadEngine();
    const t1 = performance.now();
    const faces = await detectFaces(image, detectionImage, params);
    const t2 = performance.now();
    detectMs = t2 - t1;
    const found = faces.map((f) => faceRegion(image, f, detectionImage!));
    regions = found.map((f) => f.region);
    inputs = found.map((f) => f.input);
    decodeMs += performance.now() - t2;
  } else {
    const wanted: Box[] = given ? given.map((b) => boxWithin(b, image)) : [{ x: 0, y: 0, w: image.width, h: image.height }];
    inputs = wanted.map((region) => cropInput(image, region));
    regions = wanted.map((region, i) => ({
      box: region,
      crop: region,
      detection_score: null,
      landmarks: null,
      pose: null,
      quality: faceQuality(inputs[i], Math.min(region.w, region.h)),
    }));
    decodeMs = performance.now() - t0;
    await loadEngine();
  }
  const { results, timings } = await classifyInputs(inputs, { tta: params.tta });
  const faces: Face[] = regions.map((r, i) => ({ ...r, ...results[i] }));
  const timingsOut: ClassifyResponse['timings'] = {
    decode: round(decodeMs),
    ...(detectMs !== undefined ? { detect: round(detectMs) } : {}),
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
    source,
    tta: params.tta,
    image: { width: image.width, height: image.height },
    model: MODEL_ID,
    timings: timingsOut,
  };
}
