/**
 * BlazeFace "back" (./model.ts) behind the FaceDetector seam (./detector.ts), on any onnxruntime
 * (onnxruntime-web in the worker and browsers, onnxruntime-node in Node): the caller creates the
 * InferenceSession its own way and hands it in with that runtime's Tensor class. The letterboxed
 * input (./input.ts), the anchors and the decoding of the two output tensors stay in here.
 */
import type { ScaledImage } from '../image-source.ts';
import { toScaled } from '../image-source.ts';
import type { OrtSessionLike, OrtTensorClass } from '../ort.ts';
import { type Candidate, type FaceDetector, KEYPOINT_NAMES, type Keypoints } from './detector.ts';
import { type DetectorInput, type DetectorTransform, prepareDetectorInput } from './input.ts';
import * as model from './model.ts';

export type { OrtSessionLike, OrtTensorClass } from '../ort.ts';

/** The detector's two outputs, as flat arrays. */
export interface RawDetections {
  /** [896] logits. */
  scores: Float32Array;
  /** [896 * 16] box and keypoint regressions. */
  boxes: Float32Array;
}

/** BlazeFace as a FaceDetector, and its raw run (for the converter's equivalence checks and the references). */
export interface BlazeFace extends FaceDetector {
  run(input: DetectorInput): Promise<RawDetections>;
}

export function faceDetector(session: OrtSessionLike, Tensor: OrtTensorClass): BlazeFace {
  const run = async (input: DetectorInput): Promise<RawDetections> => {
    const feeds = { [model.DETECTOR_INPUT]: new Tensor('float32', input.data, [1, 3, model.DETECTOR_SIZE, model.DETECTOR_SIZE]) };
    const out = await session.run(feeds);
    return { scores: out[model.DETECTOR_SCORES].data as Float32Array, boxes: out[model.DETECTOR_BOXES].data as Float32Array };
  };
  return {
    run,
    async detect(img: ScaledImage, { minScore, region }) {
      const input = prepareDetectorInput(img, 'letterbox', region && toScaled(region, img));
      const t = input.transform;
      // Detector input pixels -> upright full-size pixels, through the image's scale and position.
      const toFull = {
        ...t,
        scaleX: t.scaleX * img.step,
        scaleY: t.scaleY * img.step,
        offsetX: img.x0 + t.offsetX * img.step,
        offsetY: img.y0 + t.offsetY * img.step,
      };
      return blazeFaceCandidates(await run(input), toFull, minScore);
    },
  };
}

let anchorsCache: Float32Array | null = null;

/**
 * Anchor centres (x, y) in detector input pixels, in the model's output order: row by row, each
 * cell's anchors one after another, layer after layer.
 */
export function detectorAnchors(): Float32Array {
  if (anchorsCache) return anchorsCache;
  const out = new Float32Array(model.DETECTOR_ANCHORS * 2);
  let k = 0;
  for (const { stride, perCell } of model.DETECTOR_ANCHOR_LAYERS) {
    const cells = Math.ceil(model.DETECTOR_SIZE / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let a = 0; a < perCell; a++) {
          out[k++] = (gx + 0.5) * stride;
          out[k++] = (gy + 0.5) * stride;
        }
      }
    }
  }
  anchorsCache = out;
  return out;
}

/** MediaPipe clips logits to +-100 before the sigmoid. */
const LOGIT_CLIP = 100;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, x))));

/** Every anchor scoring at least `minScore`, its box and keypoints in image pixels (t applied). */
export function blazeFaceCandidates(raw: RawDetections, t: DetectorTransform, minScore: number): Candidate[] {
  if (raw.scores.length !== model.DETECTOR_ANCHORS || raw.boxes.length !== model.DETECTOR_ANCHORS * model.DETECTOR_VALUES_PER_ANCHOR) {
    throw new Error(`detector outputs have ${raw.scores.length} scores and ${raw.boxes.length} box values`);
  }
  const anchors = detectorAnchors();
  const candidates: Candidate[] = [];
  for (let i = 0; i < model.DETECTOR_ANCHORS; i++) {
    const score = sigmoid(raw.scores[i]);
    if (score < minScore) continue;
    const r = raw.boxes.subarray(i * model.DETECTOR_VALUES_PER_ANCHOR, (i + 1) * model.DETECTOR_VALUES_PER_ANCHOR);
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const cx = ax + r[0];
    const cy = ay + r[1];
    // After the box: the keypoints' offsets from the anchor, in KEYPOINT_NAMES order (./model.ts).
    const keypoints = {} as Keypoints;
    KEYPOINT_NAMES.forEach((name, k) => {
      keypoints[name] = { x: (ax + r[4 + 2 * k]) * t.scaleX + t.offsetX, y: (ay + r[5 + 2 * k]) * t.scaleY + t.offsetY };
    });
    const box = {
      x: (cx - r[2] / 2) * t.scaleX + t.offsetX,
      y: (cy - r[3] / 2) * t.scaleY + t.offsetY,
      w: r[2] * t.scaleX,
      h: r[3] * t.scaleY,
    };
    candidates.push({ box, score, keypoints });
  }
  return candidates;
}
