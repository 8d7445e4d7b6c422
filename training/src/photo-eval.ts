/**
 * Photo mode of `npm run evaluate`: whole photos through the worker's path (decode once, detect
 * faces with BlazeFace, crop each face square, classify). Reports the faces found per photo and,
 * for photos named after an emotion (angry.jpg, disgusted.jpg, ...), the top-1 of the largest face.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ADJECTIVE_TO_CLASS, CLASSES, type Emotion } from '@emotion/core/classes';
import { toModelInput } from '@emotion/core/preprocess';
import { DEFAULT_CROP_FACTOR, faceCrop } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { onnxProbabilities, openModel } from './onnx-runner.ts';

export interface PhotoResult {
  photo: string;
  faces: number;
  label: Emotion | null;
  /** Top-1 of the largest face (null when no face was found). */
  predicted: Emotion | null;
  confidence: number | null;
}

export interface PhotoEvaluation {
  model: string;
  photos: PhotoResult[];
  labelled: { n: number; correct: number; accuracy: number; no_face: number };
  crop_factor: number;
  /** Flip test-time augmentation, as the worker does by default. */
  tta: boolean;
}

export async function evaluatePhotos(model: string, dir: string, opts: { tta: boolean } = { tta: true }): Promise<PhotoEvaluation> {
  const files = readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (!files.length) throw new Error(`${dir}: no JPEG or PNG photos`);
  const detector = await openFaceDetector(ort);
  const session = await openModel(model);
  const photos: PhotoResult[] = [];
  for (const f of files) {
    const { gray, faces } = await detector.detectBytes(readFileSync(join(dir, f)));
    const label = ADJECTIVE_TO_CLASS[basename(f).replace(/\.[^.]+$/, '').toLowerCase()] ?? null;
    let predicted: Emotion | null = null;
    let confidence: number | null = null;
    if (faces.length) {
      const probs = await onnxProbabilities(session, toModelInput(gray, faceCrop(faces[0].box, gray)), opts.tta);
      const best = probs.indexOf(Math.max(...probs));
      predicted = CLASSES[best];
      confidence = Number(probs[best].toFixed(4));
    }
    photos.push({ photo: f, faces: faces.length, label, predicted, confidence });
  }
  await session.release();
  const labelled = photos.filter((p) => p.label);
  const correct = labelled.filter((p) => p.predicted === p.label).length;
  return {
    model,
    photos,
    labelled: { n: labelled.length, correct, accuracy: labelled.length ? Number((correct / labelled.length).toFixed(4)) : 0, no_face: labelled.filter((p) => !p.faces).length },
    crop_factor: DEFAULT_CROP_FACTOR,
    tta: opts.tta,
  };
}

export function formatPhotoEvaluation(e: PhotoEvaluation): string {
  const lines = ['photo                 faces  label     predicted (confidence)'];
  for (const p of e.photos) {
    const pred = p.predicted ? `${p.predicted} (${p.confidence!.toFixed(2)})` : '-';
    const mark = p.label ? (p.predicted === p.label ? '  ok' : '  wrong') : '';
    lines.push(`${p.photo.padEnd(21)} ${String(p.faces).padStart(5)}  ${(p.label ?? '-').padEnd(9)} ${pred}${mark}`);
  }
  lines.push(`Labelled photos: ${e.labelled.correct}/${e.labelled.n} top-1 right, ${e.labelled.no_face} without a face (crop factor ${e.crop_factor}${e.tta ? ', flip TTA' : ''})`);
  return lines.join('\n');
}
