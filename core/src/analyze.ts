/**
 * The whole analysis of one image, runtime-neutral: the worker's POST /classify runs it on
 * onnxruntime-web in workerd, the site's on-device mode in the browser, Node code on
 * onnxruntime-node. From the image (bytes or an opened ImageSource) to each face's box, crop,
 * landmarks, pose, quality, detection score and classification, with stage timings. HTTP (parsing the
 * request, statuses, the JSON shape) stays with the caller.
 *
 * Decoding reads the header, then only what detection and each crop need (./faces/find.ts): the
 * detection image at the scale detection needs, each face's aligned crop at the scale its size needs.
 */

import type { Face, FaceRegion, RegionSource } from './api/response.ts';
import { type Box, checkBox } from './box.ts';
import type { EmotionClassifier } from './emotion/classifier.ts';
import type { DetectedFace, FaceDetector } from './faces/detector.ts';
import { alignedInput, cropInput, findFaces, readDetectionImage } from './faces/find.ts';
import { rollDegrees, roundedLandmarks } from './faces/landmarks.ts';
import { faceQuality } from './faces/quality.ts';
import { type ImageSource, openImage, type SourceLimits } from './image-source.ts';

// The regions' and faces' types are the API contract's (./api/response.ts): the answer is this analysis.
export type { Face, FaceRegion, RegionSource };

export interface AnalyzeModels {
  detector: FaceDetector;
  classifier: EmotionClassifier;
}

export interface AnalyzeOptions {
  /** Regions to classify (pixels of the upright image, each checked against it: ImageError bad_box); detection does not run. */
  boxes?: readonly Box[];
  /** Without boxes: find faces (true) or classify the whole image (false). */
  detect: boolean;
  /** At most this many faces, the largest, are classified. */
  maxFaces: number;
  /** Detected faces scoring below this are dropped. */
  minDetectionScore: number;
  /** Detected faces smaller than this on the box's longer side, in pixels, are dropped (0: none). */
  minFaceSize: number;
  /** Average each crop's probabilities with its mirror image's (flip test-time augmentation). */
  tta: boolean;
}

/** The decoding limits, and how many faces detection keeps before the size filter and the `maxFaces` option. */
export type AnalyzeLimits = SourceLimits & { maxDetections: number };

/** Milliseconds per stage; `detect` only when the detector ran. Loading the models is not counted. */
export interface AnalyzeTimings {
  decode: number;
  detect?: number;
  preprocess: number;
  inference: number;
}

export interface Analysis {
  source: RegionSource;
  /** The upright image's size. */
  image: { width: number; height: number };
  /** The decoder skipped damaged data it recovered from, as libjpeg does (ImageSource.damaged). */
  damaged: boolean;
  /** Every region classified, largest face first; [] when detection found no face. */
  faces: Face[];
  timings: AnalyzeTimings;
}

/**
 * Analyses one image. `models` may be a function: it is called once the image has opened and its
 * regions are read, so a bad upload fails before any model loads and loading is timed apart.
 * Throws ImageError (a 4xx for an API) for an image it cannot read or a box outside it.
 */
export async function analyzeImage(
  input: Uint8Array | ImageSource,
  models: AnalyzeModels | (() => Promise<AnalyzeModels>),
  options: AnalyzeOptions,
  limits: AnalyzeLimits,
): Promise<Analysis> {
  const load = () => (typeof models === 'function' ? models() : Promise.resolve(models));
  const source: RegionSource = options.boxes ? 'box' : options.detect ? 'detection' : 'whole_image';
  const t0 = performance.now();
  const image = input instanceof Uint8Array ? openImage(input, limits) : input;
  let regions: FaceRegion[];
  let inputs: Float32Array[];
  let detect: number | undefined;
  let decode: number;
  let classifier: EmotionClassifier;
  if (source === 'detection') {
    const detectionImage = readDetectionImage(image);
    decode = performance.now() - t0;
    const loaded = await load();
    classifier = loaded.classifier;
    const t1 = performance.now();
    const { faces: found } = await findFaces(
      image,
      loaded.detector,
      { maxFaces: limits.maxDetections, scoreThreshold: options.minDetectionScore },
      detectionImage,
    );
    const faces = found.filter((f) => Math.max(f.box.w, f.box.h) >= options.minFaceSize).slice(0, options.maxFaces);
    const t2 = performance.now();
    detect = t2 - t1;
    const crops = faces.map((face) => {
      const { input, crop, side } = alignedInput(image, face.keypoints, detectionImage);
      return { region: faceRegion(face.box, crop, input, side, face), input };
    });
    regions = crops.map((c) => c.region);
    inputs = crops.map((c) => c.input);
    decode += performance.now() - t2;
  } else {
    const wanted: Box[] = options.boxes ? options.boxes.map((b) => checkBox(b, image)) : [{ x: 0, y: 0, w: image.width, h: image.height }];
    inputs = wanted.map((region) => cropInput(image, region));
    // The shorter side of a given box (or of the whole image) is what the 48x48 input is resized from.
    regions = wanted.map((region, i) => faceRegion(region, region, inputs[i], Math.min(region.w, region.h)));
    decode = performance.now() - t0;
    classifier = (await load()).classifier;
  }
  const { results, timings } = await classifier.classify(inputs, { tta: options.tta });
  return {
    source,
    image: { width: image.width, height: image.height },
    damaged: image.damaged,
    faces: regions.map((r, i) => ({ ...r, ...results[i] })),
    timings: { decode, ...(detect !== undefined ? { detect } : {}), preprocess: timings.preprocess, inference: timings.inference },
  };
}

/**
 * Everything the answer says of one region but its classification: where it is, what was read for
 * it, what detection knew of it (null for a given box or the whole image), and the quality of its
 * 48x48 model input (`side`: the source pixels that input's side spans). A new per-face field is
 * computed here.
 */
function faceRegion(box: Box, crop: Box, input: Float32Array, side: number, face?: DetectedFace): FaceRegion {
  return {
    box,
    crop,
    detection_score: face ? face.score : null,
    landmarks: face ? roundedLandmarks(face.keypoints) : null,
    pose: face ? { roll: rollDegrees(face.keypoints) } : null,
    quality: faceQuality(input, side),
  };
}
