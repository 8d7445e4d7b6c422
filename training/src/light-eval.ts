/**
 * How well the model's answers survive a change of light (issue: a dim room read as sadness):
 * every model input relit as a camera would see it (luma times a brightness, a gamma curve, rounded
 * to whole grey levels: augment.ts's relight) and classified again with flip TTA, as the API does.
 * On photos: the share of largest faces whose label stays the same (crops from the photo's own
 * detection, so only the light differs). On labelled images: accuracy and how often each class
 * is predicted, before and after.
 */

import type { LightAccuracy } from '@emotion/core/artifacts';
import { CLASSES, INPUT_PIXELS, NORMALIZATION, NUM_CLASSES } from '@emotion/core/classes';
import type { EmotionClassifier } from '@emotion/core/emotion';
import { argmax } from '@emotion/core/maths';
import { type Light, relight } from './augment.ts';
import type { LabelledInputs } from './labelled-images.ts';
import { type DetectedPhoto, faceInputs } from './photo-eval.ts';

export const LIGHTS: Record<string, Light> = {
  'dim 30%': { brightness: 0.3, gamma: 1 },
  'gamma 2': { brightness: 1, gamma: 2 },
  'dim 30% + gamma 2': { brightness: 0.3, gamma: 2 },
};

/** Normalized model inputs relit (a new array; the input is untouched). */
export function relightInputs(inputs: Float32Array, light: Light): Float32Array {
  const { mean, std } = NORMALIZATION;
  const out = new Float32Array(inputs.length);
  const luma = new Float32Array(INPUT_PIXELS);
  for (let s = 0; s < inputs.length; s += INPUT_PIXELS) {
    for (let i = 0; i < INPUT_PIXELS; i++) luma[i] = (inputs[s + i] * std + mean) * 255;
    relight(luma, light);
    for (let i = 0; i < INPUT_PIXELS; i++) out[s + i] = (luma[i] / 255 - mean) / std;
  }
  return out;
}

const labelsOf = (probs: Float64Array, n: number) =>
  Array.from({ length: n }, (_, i) => argmax(probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES)));

export interface PhotoLightResult {
  light: string;
  faces: number;
  /** Largest faces whose label is unchanged. */
  kept: number;
  changed: { photo: string; from: string; to: string }[];
}

/** Label survival of each photo's largest face under each light (aligned crop, flip TTA). */
export async function photoLightSurvival(
  classifier: EmotionClassifier,
  photos: DetectedPhoto[],
  lights: Record<string, Light> = LIGHTS,
): Promise<PhotoLightResult[]> {
  const withFace = photos.filter((p) => p.gray && p.faces.length);
  const inputs = new Float32Array(withFace.length * INPUT_PIXELS);
  withFace.forEach((p, i) => inputs.set(faceInputs(p.gray!, p.faces[0], { tta: true, crop: 'aligned' }), i * INPUT_PIXELS));
  const n = withFace.length;
  const base = labelsOf(await classifier.probabilities(inputs, n, { tta: true }), n);
  const out: PhotoLightResult[] = [];
  for (const [name, light] of Object.entries(lights)) {
    const lit = labelsOf(await classifier.probabilities(relightInputs(inputs, light), n, { tta: true }), n);
    const changed = withFace
      .map((p, i) => ({ photo: p.photo, from: CLASSES[base[i]], to: CLASSES[lit[i]] }))
      .filter((c) => c.from !== c.to);
    out.push({ light: name, faces: n, kept: n - changed.length, changed });
  }
  return out;
}

/** Accuracy and the share of answers per class (core's artifacts: evaluation.json and the card hold it). */
export type LabelledLightResult = LightAccuracy;

/**
 * Accuracy (flip TTA) and the predicted class shares, as they are and under each light; `asIs`: the
 * set's flip-TTA probabilities when the caller has them already (not computed again).
 */
export async function labelledLightAccuracy(
  classifier: EmotionClassifier,
  set: LabelledInputs,
  lights: Record<string, Light> = LIGHTS,
  asIs?: Float64Array,
): Promise<LabelledLightResult[]> {
  const out: LabelledLightResult[] = [];
  for (const [name, light] of [['as is', { brightness: 1, gamma: 1 }] as const, ...Object.entries(lights)]) {
    const probs =
      name === 'as is'
        ? (asIs ?? (await classifier.probabilities(set.inputs, set.n, { tta: true })))
        : await classifier.probabilities(relightInputs(set.inputs, light), set.n, { tta: true });
    const pred = labelsOf(probs, set.n);
    const counts = new Array(NUM_CLASSES).fill(0);
    let right = 0;
    pred.forEach((p, i) => {
      counts[p]++;
      if (p === set.labels[i]) right++;
    });
    out.push({
      light: name,
      accuracy: Number((right / set.n).toFixed(4)),
      predicted: Object.fromEntries(CLASSES.map((c, k) => [c, Number((counts[k] / set.n).toFixed(3))])),
    });
  }
  return out;
}
