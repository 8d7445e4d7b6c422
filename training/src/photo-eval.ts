/**
 * Photo mode of `npm run evaluate`: whole photos, their faces found by core's findFaces. The setting
 * the Worker serves (the aligned crop at ALIGN_ZOOM, no extra views) is the Worker's own answer:
 * core's analyzeImage on the same photo (shrink-on-load crops, batched classification); the other
 * settings, being experiments, crop each face from the full-size decode. Labels come from the folder's `labels.json`
 * when it has one (../shared/photos-dev: file, faces, emotion of the largest face, clear |
 * plausible), else from file names (angry.jpg, disgusted.jpg, ... as in ../shared/photos). Reports
 * the crop and TTA in use, top-1 on `clear` and on all labelled photos, per-class recall, mean
 * probability of the true class, and faces found against the labels' counts.
 *
 * Crops: 'aligned' (what the worker serves) is core's FER2013-matched alignment (eyes level, framed by eyes and
 * mouth; core/src/faces/align.ts), zoomed by ALIGN_ZOOM from the FER2013 fit unless told otherwise;
 * 'square' is the earlier faceCrop (a square of DEFAULT_CROP_FACTOR x the detector's box). TTA views: each of `views` (shifts in output
 * pixels and zooms of the crop), plus the mirror of each when `tta` is on; probabilities averaged.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { analyzeImage } from '@emotion/core';
import { ANALYZE_LIMITS, DECODE_LIMITS, DEFAULT_CLASSIFY_PARAMS, LIMITS, SOURCE_LIMITS } from '@emotion/core/api';
import type { Box } from '@emotion/core/box';
import { ADJECTIVE_TO_CLASS, CLASSES, type Emotion, INPUT_PIXELS, INPUT_SIZE } from '@emotion/core/classes';
import { decodeGray } from '@emotion/core/decode';
import type { EmotionClassifier } from '@emotion/core/emotion';
import {
  ALIGN_ZOOM,
  type AlignFraming,
  alignedCrop,
  alignmentTransform,
  DEFAULT_ALIGN_FRAMING,
  type DetectedFace,
  type FaceDetector,
  FER2013_FRAMING,
  findFaces,
  zoomFraming,
} from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { openImage } from '@emotion/core/image-source';
import { argmax } from '@emotion/core/maths';
import { cropResize, type GrayImage, normalizePixels } from '@emotion/core/pixels';
import { DEFAULT_CROP_FACTOR, faceCrop } from '@emotion/core/testing/face-crop';
import * as ort from 'onnxruntime-node';
import { openModel } from './onnx-runner.ts';

export type CropMode = 'square' | 'aligned';

/** One test-time view of a face: the crop shifted by (dx, dy) output pixels and zoomed (1: as is). */
export interface CropView {
  dx: number;
  dy: number;
  zoom: number;
}

export const IDENTITY_VIEW: CropView = { dx: 0, dy: 0, zoom: 1 };

export interface PhotoEvalOptions {
  /** Flip TTA: every view and its mirror (the worker's default). */
  tta: boolean;
  crop: CropMode;
  /** Square crop: enlargement of the detector's box. */
  cropFactor?: number;
  /** Aligned crop: zoom of the framing about the frame centre (1.1: the face 10% larger; default ALIGN_ZOOM). */
  zoom?: number;
  /** Aligned crop: the framing the zoom applies to (default FER2013_FRAMING, the FER2013 fit). */
  framing?: AlignFraming;
  /** TTA views beyond the crop itself (default: the crop alone). */
  views?: CropView[];
}

/** One entry of a folder's labels.json. */
export interface PhotoLabel {
  file: string;
  /** Faces in the photo, counted by eye. */
  faces?: number;
  /** Expression of the largest face. */
  emotion: Emotion;
  /** 'clear': unambiguous; 'plausible': a reasonable viewer might pick another class. */
  confidence?: 'clear' | 'plausible';
}

export interface PhotoResult {
  photo: string;
  faces: number;
  /** Faces expected from labels.json, null when unknown. */
  expected_faces: number | null;
  label: Emotion | null;
  /** From labels.json; null when labelled by file name or unlabelled. */
  label_confidence: 'clear' | 'plausible' | null;
  /** Top-1 of the largest face (null when no face was found). */
  predicted: Emotion | null;
  confidence: number | null;
  /** Probability of the true class for the largest face (0 when no face, null when unlabelled). */
  p_true: number | null;
  /** Why the photo could not be decoded (the decoder refused it), when it could not. */
  error?: string;
}

export interface TopOne {
  n: number;
  correct: number;
  accuracy: number;
  /** Mean probability of the true class (a photo without a face counts 0). */
  mean_p_true: number;
  no_face: number;
}

export interface PhotoEvaluation {
  model: string;
  dir: string;
  /** Where the labels came from. */
  labels: 'labels.json' | 'file names';
  photos: PhotoResult[];
  /** Every labelled photo. */
  labelled: TopOne;
  /** The photos labels.json calls `clear` (null without labels.json). */
  clear: TopOne | null;
  /** Recall of each class over the labelled photos (null for a class with none). */
  recall: Record<Emotion, { n: number; correct: number; recall: number } | null>;
  /** Faces found against labels.json's counts (null without counts). */
  face_counts: { photos: number; exact: number; expected: number; found: number; mismatches: string[] } | null;
  crop: CropMode;
  /** Square crop: the enlargement used (null for the aligned crop). */
  crop_factor: number | null;
  /** Aligned crop: the zoom of the framing (null for the square crop). */
  zoom: number | null;
  /** Aligned crop: the framing used, zoom applied (null for the square crop). */
  framing: AlignFraming | null;
  /** Flip test-time augmentation, as the worker does by default. */
  tta: boolean;
  views: CropView[];
  /** Model rows per face: views x (2 with flip TTA). */
  rows_per_face: number;
  /** The setting the Worker serves, so the Worker's answer (analyzeImage); else crops of the full-size decode. */
  served: boolean;
}

/** Named TTA view sets (beyond the crop itself; the identity view is always first). */
export const VIEW_PRESETS: Record<string, CropView[]> = {
  none: [IDENTITY_VIEW],
  /** +-2 px shifts left, right, up, down: 5 views. */
  shift2: [IDENTITY_VIEW, { dx: -2, dy: 0, zoom: 1 }, { dx: 2, dy: 0, zoom: 1 }, { dx: 0, dy: -2, zoom: 1 }, { dx: 0, dy: 2, zoom: 1 }],
  /** 0.95x and 1.05x zoom: 3 views. */
  scale5: [IDENTITY_VIEW, { dx: 0, dy: 0, zoom: 0.95 }, { dx: 0, dy: 0, zoom: 1.05 }],
  /** Both: 7 views. */
  'shift2+scale5': [
    IDENTITY_VIEW,
    { dx: -2, dy: 0, zoom: 1 },
    { dx: 2, dy: 0, zoom: 1 },
    { dx: 0, dy: -2, zoom: 1 },
    { dx: 0, dy: 2, zoom: 1 },
    { dx: 0, dy: 0, zoom: 0.95 },
    { dx: 0, dy: 0, zoom: 1.05 },
  ],
};

/** A preset name or "dx:dy:zoom;dx:dy:zoom;..." (zoom optional, default 1); the identity view is added first when missing. */
export function parseViews(spec: string): CropView[] {
  if (VIEW_PRESETS[spec]) return VIEW_PRESETS[spec];
  const views = spec
    .split(';')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const [dx, dy, zoom = 1] = t.split(':').map(Number);
      if (![dx, dy, zoom].every(Number.isFinite) || !(zoom > 0))
        throw new Error(`view ${t}: expected dx:dy[:zoom] or one of ${Object.keys(VIEW_PRESETS).join(', ')}`);
      return { dx, dy, zoom };
    });
  const hasIdentity = views.some((v) => v.dx === 0 && v.dy === 0 && v.zoom === 1);
  return hasIdentity ? views : [IDENTITY_VIEW, ...views];
}

/** labels.json of a folder, or null when it has none. */
export function readLabels(dir: string): PhotoLabel[] | null {
  const p = join(dir, 'labels.json');
  if (!existsSync(p)) return null;
  const raw = JSON.parse(readFileSync(p, 'utf8'));
  if (!Array.isArray(raw)) throw new Error(`${p}: expected an array of {file, emotion, ...}`);
  return raw.map((e, i) => {
    if (typeof e?.file !== 'string' || !CLASSES.includes(e.emotion))
      throw new Error(`${p}: entry ${i} needs a file and one of ${CLASSES.join(', ')}`);
    return e as PhotoLabel;
  });
}

/** The model inputs (normalized, [views, 48, 48]) of one face. */
export function faceInputs(gray: GrayImage, face: DetectedFace, opts: PhotoEvalOptions): Float32Array {
  const views = opts.views?.length ? opts.views : [IDENTITY_VIEW];
  const out = new Float32Array(views.length * INPUT_PIXELS);
  views.forEach((view, i) => {
    let luma: Float32Array;
    if (opts.crop === 'aligned') {
      const zoom = (opts.zoom ?? ALIGN_ZOOM) * view.zoom;
      const framing = zoomFraming(zoom, view.dx, view.dy, opts.framing ?? FER2013_FRAMING);
      luma = alignedCrop(gray, alignmentTransform(face.keypoints, framing));
    } else {
      const sq = faceCrop(face.box, gray, opts.cropFactor ?? DEFAULT_CROP_FACTOR);
      luma = cropResize(gray, viewBox(sq, view));
    }
    out.set(normalizePixels(luma), i * INPUT_PIXELS);
  });
  return out;
}

/** A square crop moved by (dx, dy) output pixels and zoomed about its centre (the face `zoom` x larger). */
function viewBox(b: Box, v: CropView): Box {
  if (v.dx === 0 && v.dy === 0 && v.zoom === 1) return b;
  const w = b.w / v.zoom;
  const h = b.h / v.zoom;
  const px = w / INPUT_SIZE;
  return { x: b.x + (b.w - w) / 2 - v.dx * px, y: b.y + (b.h - h) / 2 - v.dy * (h / INPUT_SIZE), w, h };
}

const round4 = (x: number) => Number(x.toFixed(4));

function topOne(ps: PhotoResult[]): TopOne {
  const correct = ps.filter((p) => p.predicted === p.label).length;
  return {
    n: ps.length,
    correct,
    accuracy: ps.length ? round4(correct / ps.length) : 0,
    mean_p_true: ps.length ? round4(ps.reduce((a, p) => a + (p.p_true ?? 0), 0) / ps.length) : 0,
    no_face: ps.filter((p) => !p.faces).length,
  };
}

/** The summary figures of per-photo results (pure: no model). */
export function summarisePhotos(photos: PhotoResult[], fromLabels: boolean) {
  const labelled = photos.filter((p) => p.label);
  const recall = Object.fromEntries(
    CLASSES.map((c) => {
      const of = labelled.filter((p) => p.label === c);
      const correct = of.filter((p) => p.predicted === c).length;
      return [c, of.length ? { n: of.length, correct, recall: round4(correct / of.length) } : null];
    }),
  ) as PhotoEvaluation['recall'];
  const counted = photos.filter((p) => p.expected_faces !== null);
  return {
    labelled: topOne(labelled),
    clear: fromLabels ? topOne(labelled.filter((p) => p.label_confidence === 'clear')) : null,
    recall,
    face_counts: counted.length
      ? {
          photos: counted.length,
          exact: counted.filter((p) => p.faces === p.expected_faces).length,
          expected: counted.reduce((a, p) => a + p.expected_faces!, 0),
          found: counted.reduce((a, p) => a + p.faces, 0),
          mismatches: counted.filter((p) => p.faces !== p.expected_faces).map((p) => `${p.photo}: ${p.faces} of ${p.expected_faces}`),
        }
      : null,
  };
}

/** Decoded photos and their faces, so that several crop settings can be compared on one detection. */
export interface DetectedPhoto {
  photo: string;
  /** The upload itself, for the served setting's analyzeImage (null when it could not be read). */
  bytes: Uint8Array | null;
  /** The full-size decode the other settings crop from. */
  gray: GrayImage | null;
  faces: DetectedFace[];
  /** Why the photo could not be read (decoder refusal), when it could not. */
  error?: string;
}

/**
 * The whole-image decode the crops are cut from: the API's limits (core's DECODE_LIMITS), with more
 * memory, since a full-size decode (which the worker never does: it decodes shrink-on-load) holds the whole image.
 */
const WHOLE_DECODE_LIMITS = { ...DECODE_LIMITS, maxMemoryMB: 2048 };

export async function detectPhotos(dir: string): Promise<DetectedPhoto[]> {
  const files = readdirSync(dir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort();
  if (!files.length) throw new Error(`${dir}: no JPEG or PNG photos`);
  const detector = await openFaceDetector(ort);
  const out: DetectedPhoto[] = [];
  for (const f of files) {
    try {
      // Faces found as the worker finds them, within its limits (core's findFaces: scaled detection image, tiles on
      // large photos); the crops are then cut from the full-size gray image.
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      const { faces } = await findFaces(openImage(bytes, SOURCE_LIMITS), detector);
      const gray = decodeGray(bytes, WHOLE_DECODE_LIMITS);
      out.push({ photo: f, bytes, gray, faces });
    } catch (err) {
      out.push({ photo: f, bytes: null, gray: null, faces: [], error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

export async function evaluatePhotos(
  model: string,
  dir: string,
  opts: PhotoEvalOptions = { tta: true, crop: 'aligned' },
  detected?: DetectedPhoto[],
  session?: EmotionClassifier,
): Promise<PhotoEvaluation> {
  const labels = readLabels(dir);
  const byFile = new Map((labels ?? []).map((l) => [l.file, l]));
  const shots = detected ?? (await detectPhotos(dir));
  const own = !session;
  const sess = session ?? (await openModel(model));
  const views = opts.views?.length ? opts.views : [IDENTITY_VIEW];
  const served = isServed(opts);
  let detector: FaceDetector | undefined;
  const photos: PhotoResult[] = [];
  for (const s of shots) {
    const entry = byFile.get(s.photo);
    const label = labels
      ? (entry?.emotion ?? null)
      : (ADJECTIVE_TO_CLASS[
          basename(s.photo)
            .replace(/\.[^.]+$/, '')
            .toLowerCase()
        ] ?? null);
    let predicted: Emotion | null = null;
    let confidence: number | null = null;
    let pTrue: number | null = label ? 0 : null;
    if (s.gray && s.bytes && s.faces.length) {
      let probs: number[];
      if (served) {
        detector ??= await openFaceDetector(ort);
        const analysis = await analyzeImage(
          s.bytes,
          { detector, classifier: sess },
          { ...DEFAULT_CLASSIFY_PARAMS, maxFaces: LIMITS.maxFaces, tta: opts.tta },
          ANALYZE_LIMITS,
        );
        probs = CLASSES.map((c) => analysis.faces[0]?.scores[c] ?? 0);
      } else {
        const inputs = faceInputs(s.gray, s.faces[0], opts);
        const rows = await sess.probabilities(inputs, inputs.length / INPUT_PIXELS, { tta: opts.tta });
        probs = CLASSES.map((_, c) => {
          let acc = 0;
          for (let v = 0; v < views.length; v++) acc += rows[v * CLASSES.length + c];
          return acc / views.length;
        });
      }
      const best = argmax(probs);
      predicted = CLASSES[best];
      confidence = round4(probs[best]);
      if (label) pTrue = round4(probs[CLASSES.indexOf(label)]);
    }
    photos.push({
      photo: s.photo,
      faces: s.faces.length,
      expected_faces: entry?.faces ?? null,
      label,
      label_confidence: entry?.confidence ?? null,
      predicted,
      confidence,
      p_true: pTrue,
      ...(s.error ? { error: s.error } : {}),
    });
  }
  if (own) await sess.release();
  return {
    model,
    dir,
    labels: labels ? 'labels.json' : 'file names',
    photos,
    ...summarisePhotos(photos, !!labels),
    crop: opts.crop,
    crop_factor: opts.crop === 'square' ? (opts.cropFactor ?? DEFAULT_CROP_FACTOR) : null,
    zoom: opts.crop === 'aligned' ? (opts.zoom ?? ALIGN_ZOOM) : null,
    framing: opts.crop === 'aligned' ? zoomFraming(opts.zoom ?? ALIGN_ZOOM, 0, 0, opts.framing ?? FER2013_FRAMING) : null,
    tta: opts.tta,
    views,
    rows_per_face: views.length * (opts.tta ? 2 : 1),
    served,
  };
}

/** Whether `opts` is the setting the Worker serves: the aligned crop in the default framing, no extra views. */
export function isServed(opts: PhotoEvalOptions): boolean {
  const framing = zoomFraming(opts.zoom ?? ALIGN_ZOOM, 0, 0, opts.framing ?? FER2013_FRAMING);
  const views = opts.views?.length ? opts.views : [IDENTITY_VIEW];
  const identity = views.length === 1 && views[0].dx === 0 && views[0].dy === 0 && views[0].zoom === 1;
  return opts.crop === 'aligned' && identity && isDeepStrictEqual(framing, DEFAULT_ALIGN_FRAMING);
}

/** The crop and TTA in words, e.g. "aligned (FER2013 framing, zoom 1.1), flip TTA, 3 views: 6 rows per face". */
export function describeSetting(
  e: Pick<PhotoEvaluation, 'crop' | 'crop_factor' | 'zoom' | 'framing' | 'tta' | 'views' | 'rows_per_face' | 'served'>,
): string {
  const crop =
    e.crop === 'square'
      ? `square ${e.crop_factor}x box`
      : `aligned zoom ${e.zoom} (eye centre ${e.framing!.eyeCentre.x.toFixed(1)},${e.framing!.eyeCentre.y.toFixed(1)}, eye-mouth ${e.framing!.eyeMouth.toFixed(1)} px${e.framing!.scaleBy !== 'eye-mouth' ? `, scale by ${e.framing!.scaleBy}` : ''})`;
  const views = e.views.length > 1 ? `, views ${e.views.map((v) => `${v.dx},${v.dy}@${v.zoom}`).join(' ')}` : '';
  const path = e.served ? " (the Worker's answer: analyzeImage)" : '';
  return `${crop}, ${e.tta ? 'flip TTA' : 'no TTA'}${views}: ${e.rows_per_face} model row${e.rows_per_face > 1 ? 's' : ''} per face${path}`;
}

export function formatPhotoEvaluation(e: PhotoEvaluation): string {
  const lines = [`Photos in ${e.dir} (labels from ${e.labels}); crop: ${describeSetting(e)}`];
  lines.push('photo                 faces  label     predicted (confidence)  p(true)');
  for (const p of e.photos) {
    const pred = p.predicted ? `${p.predicted} (${p.confidence!.toFixed(2)})` : '-';
    const mark = p.label ? (p.predicted === p.label ? 'ok   ' : 'wrong') : '     ';
    const faces = p.expected_faces !== null && p.expected_faces !== p.faces ? `${p.faces}/${p.expected_faces}` : String(p.faces);
    const label = p.label ? `${p.label}${p.label_confidence === 'plausible' ? '?' : ''}` : '-';
    lines.push(
      `${p.photo.padEnd(21)} ${faces.padStart(5)}  ${label.padEnd(9)} ${pred.padEnd(18)} ${mark} ${p.p_true !== null ? p.p_true.toFixed(2) : ''}`,
    );
  }
  if (e.photos.some((p) => p.label_confidence === 'plausible'))
    lines.push(
      "  (a label ending in '?', as in angry?: labels.json marks it plausible, not clear: a reasonable viewer might pick another class; it counts in 'Labelled photos', not in 'Clear photos')",
    );
  const t = (x: TopOne) =>
    `${x.correct}/${x.n} (${x.accuracy.toFixed(3)}), mean p(true) ${x.mean_p_true.toFixed(3)}, ${x.no_face} without a face`;
  if (e.clear) lines.push(`Clear photos:    ${t(e.clear)}`);
  lines.push(`Labelled photos: ${t(e.labelled)}`);
  lines.push(
    'Recall: ' +
      CLASSES.map((c) => (e.recall[c] ? `${c} ${e.recall[c]!.correct}/${e.recall[c]!.n}` : null))
        .filter(Boolean)
        .join(', '),
  );
  if (e.face_counts) {
    const f = e.face_counts;
    lines.push(
      `Faces: ${f.exact}/${f.photos} photos counted right, ${f.found} found of ${f.expected}${f.mismatches.length ? ` (${f.mismatches.join('; ')})` : ''}`,
    );
  }
  const refused = e.photos.filter((p) => p.faces === 0 && p.label);
  if (refused.length) lines.push(`No face: ${refused.map((p) => `${p.photo}${p.error ? ` (${p.error})` : ''}`).join(', ')}`);
  return lines.join('\n');
}
