/**
 * Stand-in models for the in-process fuzz run: core's own detector and classifier code (BlazeFace's
 * letterboxed input, anchor decoding and NMS; the classifier's batching, mirror and softmax) on
 * sessions that answer fixed outputs instead of running the networks, so each case goes through
 * analyzeImage as the Worker's requests do, fast. Each session checks that what would reach its
 * model is finite and of the model's shape.
 */

import type { AnalyzeModels } from '@emotion/core';
import { INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import { emotionClassifier } from '@emotion/core/emotion';
import { EMOTION_INPUT, EMOTION_OUTPUT } from '@emotion/core/emotion/model';
import { faceDetector } from '@emotion/core/faces';
import * as model from '@emotion/core/faces/model';

class Tensor {
  constructor(
    readonly type: 'float32',
    readonly data: Float32Array,
    readonly dims: readonly number[],
  ) {}
}

function input(feeds: Record<string, unknown>, name: string, perRow: number): Tensor {
  const t = feeds[name];
  if (!(t instanceof Tensor) || t.data.length !== t.dims[0] * perRow) throw new Error(`${name}: not a tensor of ${perRow} values a row`);
  if (!t.data.every(Number.isFinite)) throw new Error(`${name}: a model input is not finite`);
  return t;
}

/**
 * One face in every detector run, a small one at the centre of the letterbox (24 of its 256 px:
 * no close-up, so large images are searched in tiles too), its keypoints where a face has them.
 */
function detectorOutputs(): { scores: Float32Array; boxes: Float32Array } {
  const scores = new Float32Array(model.DETECTOR_ANCHORS).fill(-100);
  const boxes = new Float32Array(model.DETECTOR_ANCHORS * model.DETECTOR_VALUES_PER_ANCHOR);
  const anchor = 512 + (4 * 8 + 4) * 6; // the 8x8 layer's cell (4, 4): centre (144, 144)
  const d = model.DETECTOR_SIZE / 2 - 144;
  scores[anchor] = 10;
  // Box centre offset and size, then right eye, left eye, nose tip, mouth, right ear, left ear.
  const values = [0, 0, 24, 24, -6, -4, 6, -4, 0, 2, 0, 7, -11, -2, 11, -2];
  boxes.set(
    values.map((v, i) => (i === 2 || i === 3 ? v : v + d)),
    anchor * model.DETECTOR_VALUES_PER_ANCHOR,
  );
  return { scores, boxes };
}

const detectorSession = {
  async run(feeds: Record<string, unknown>) {
    input(feeds, model.DETECTOR_INPUT, 3 * model.DETECTOR_SIZE * model.DETECTOR_SIZE);
    const { scores, boxes } = detectorOutputs();
    return { [model.DETECTOR_SCORES]: { data: scores }, [model.DETECTOR_BOXES]: { data: boxes } };
  },
};

const classifierSession = {
  async run(feeds: Record<string, unknown>) {
    const rows = input(feeds, EMOTION_INPUT, INPUT_SIZE * INPUT_SIZE).dims[0];
    return { [EMOTION_OUTPUT]: { data: new Float32Array(rows * NUM_CLASSES) } };
  },
};

export const FUZZ_MODELS: AnalyzeModels = {
  detector: faceDetector(detectorSession, Tensor),
  classifier: emotionClassifier(classifierSession, Tensor),
};
