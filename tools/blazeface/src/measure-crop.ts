/**
 * npm run measure:crop -w tools/blazeface: how much to enlarge the detector's box before the
 * classifier sees it. For each factor, crops every labelled single-face photo and every tight
 * 150x150 crop in ../shared/photos around its detected face, runs the emotion model
 * (model/scratchcnn.onnx or $EMOTION_MODEL, through core's toModelInput) and prints a table. Results depend on the
 * emotion model of the day: rerun after training improves it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Box } from '@emotion/core/box';
import { CLASSES, INPUT_PIXELS, NUM_CLASSES } from '@emotion/core/classes';
import type { EmotionClassifier } from '@emotion/core/emotion';
import { openEmotionClassifier } from '@emotion/core/emotion/node';
import { openFaceDetector } from '@emotion/core/faces/node';
import { argmax } from '@emotion/core/maths';
import { type GrayImage, toModelInput } from '@emotion/core/pixels';
import { DEFAULT_CROP_FACTOR, faceCrop } from '@emotion/core/testing/face-crop';
import * as ort from 'onnxruntime-node';
import { facesInBytes } from './detect.ts';
import { EMOTION_MODEL_PATH } from './paths.ts';
import { labelledPhotos, tightCrops } from './photos.ts';

/** 0.9 (a crop inside the box) shows whether the trend goes on below 1. */
export const FACTORS = [0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8];

interface Sample {
  name: string;
  gray: GrayImage;
  face: Box | null;
  /** Index of the true class (labelled photos only). */
  label?: number;
}

/** Each input's class probabilities (no TTA: the crop factor alone is measured). */
async function classify(classifier: EmotionClassifier, inputs: Float32Array[]): Promise<Float64Array[]> {
  const probs = await classifier.probabilities(stackInputs(inputs), inputs.length, { tta: false });
  return inputs.map((_, i) => probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES));
}

const stackInputs = (inputs: Float32Array[]) => {
  const out = new Float32Array(inputs.length * INPUT_PIXELS);
  inputs.forEach((x, i) => out.set(x, i * x.length));
  return out;
};

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(0)}%`;

async function main() {
  if (!existsSync(EMOTION_MODEL_PATH)) throw new Error(`${EMOTION_MODEL_PATH} not found: export the emotion model first`);
  const card = join(dirname(EMOTION_MODEL_PATH), 'model-card.json');
  const about = existsSync(card) ? JSON.parse(readFileSync(card, 'utf8')) : null;
  const emotion = await openEmotionClassifier(ort, EMOTION_MODEL_PATH, { maxBatch: 1024 });
  const detector = await openFaceDetector(ort);

  const load = async (p: { name: string; bytes: Uint8Array }, label?: number): Promise<Sample> => {
    const { gray, faces } = await facesInBytes(detector, p.bytes);
    return { name: p.name, gray, face: faces[0]?.box ?? null, label };
  };
  const labelled = await Promise.all(labelledPhotos().map((p) => load(p, p.label)));
  const crops = await Promise.all(tightCrops().map((p) => load(p)));

  console.log(
    `Emotion model: ${about ? `${about.name} ${about.version}, FER2013 validation accuracy ${about.validation?.accuracy ?? '?'}` : EMOTION_MODEL_PATH}`,
  );
  const sides = crops
    .filter((c) => c.face)
    .map((c) => c.gray.width / Math.max(c.face!.w, c.face!.h))
    .sort((a, b) => a - b);
  console.log(
    `Tight 150x150 crops: the frame is ${sides[Math.floor(sides.length / 2)].toFixed(2)}x the detector's box (median; ` +
      `${sides[0].toFixed(2)}-${sides[sides.length - 1].toFixed(2)}), so from about that factor on the crop is the whole image.`,
  );

  // Reference for the tight crops: the whole crop, already framed like FER2013 by face-api.
  const whole = await classify(
    emotion,
    crops.map((c) => toModelInput(c.gray)),
  );
  const wholeLabelled = await classify(
    emotion,
    labelled.map((s) => toModelInput(s.gray)),
  );

  const rows: string[][] = [];
  const row = (name: string, lp: Float64Array[], cp: Float64Array[]) => {
    const top1 = labelled.filter((s, i) => argmax(lp[i]) === s.label).length;
    const pTrue = labelled.reduce((a, s, i) => a + lp[i][s.label!], 0) / labelled.length;
    const conf = cp.reduce((a, p) => a + Math.max(...p), 0) / cp.length;
    const agree = cp.filter((p, i) => argmax(p) === argmax(whole[i])).length;
    const preds = labelled.map((s, i) => `${s.name}:${CLASSES[argmax(lp[i])]}`).join(' ');
    rows.push([name, `${top1}/${labelled.length}`, pTrue.toFixed(3), conf.toFixed(3), pct(agree, cp.length), preds]);
  };
  row('whole image (no detection)', wholeLabelled, whole);
  for (const f of FACTORS) {
    const box = (s: Sample) => (s.face ? faceCrop(s.face, s.gray, f) : undefined);
    const lp = await classify(
      emotion,
      labelled.map((s) => toModelInput(s.gray, box(s))),
    );
    const cp = await classify(
      emotion,
      crops.map((c) => toModelInput(c.gray, box(c))),
    );
    row(`factor ${f.toFixed(1)}${f === DEFAULT_CROP_FACTOR ? ' (default)' : ''}`, lp, cp);
  }
  console.log(
    '\n| crop | labelled photos top-1 | mean p(true class), labelled | tight crops: mean top-1 probability | tight crops: same class as the whole crop | predictions on the labelled photos |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

await main();
