/** What GET /model says: the contract (classes, input, normalization), the face detector, limits, and the model card. */
import { CLASSES, INPUT_SIZE, NORMALIZATION } from '@emotion/core';
import { ACCEPTED_FORMATS, LIMITS, type ModelInfo, modelIdOf, uncertainBelowOf } from '@emotion/core/api';
import { type ModelCard, toneFormula } from '@emotion/core/artifacts';
import { CROP_MIN_SIDE, QUALITY_THRESHOLDS } from '@emotion/core/faces';
// This bundle's own card, beside the model engine.ts imports (npm start -- --model stages both).
import card from '../../model/model-card.json';
import { DETECTOR_INFO } from './faces.ts';

const c = card as Partial<ModelCard>;

/** The model this Worker serves, as every /classify answer names it. */
export const MODEL_ID = modelIdOf(c);

/** Its `uncertain` threshold, as its card says (the site and the package use the committed model's). */
export const UNCERTAIN_BELOW = uncertainBelowOf(c);

export function modelInfo(): ModelInfo {
  return {
    ...MODEL_ID,
    classes: [...CLASSES],
    input: { size: INPUT_SIZE, channels: 1, layout: 'NCHW', tensor: 'input', output: 'logits' },
    normalization: { ...NORMALIZATION, formula: '(p / 255 - mean) / std' },
    preprocessing: [
      "decode JPEG (core's decoder, shrink-on-load: each region at the scale it needs, as an exact area average) or PNG (core's decoder: rows streamed; interlaced or eXIf-oriented: decoded whole)",
      'apply the EXIF orientation',
      'composite alpha over white',
      'grayscale with BT.601 luma 0.299 R + 0.587 G + 0.114 B',
      `crop: each detected face aligned as FER2013's faces are (eyes level, framed by eyes and mouth: detector.crop), read from at least ${CROP_MIN_SIDE / INPUT_SIZE}x ${INPUT_SIZE} px; or the given box, or the whole image with detect=false`,
      'area-averaging resize to 48x48 (the aligned crop: area-averaged rotated sampling)',
      'normalize (p / 255 - 0.5) / 0.5',
      ...(c.tone
        ? [
            `the model's graph then normalizes each crop's tone, so that dim light and a dark tone curve read as daylight: ${toneFormula(c.tone)}`,
          ]
        : []),
      ...(c.standardization
        ? [
            `the model's graph then standardizes each crop: (p - mean) / max(std, ${c.standardization.minStd}) * ${c.standardization.std} + ${c.standardization.mean} in luma units`,
          ]
        : []),
      'with tta (the default): also the mirror image of each crop; the two softmax outputs are averaged',
    ],
    parameters: c.parameters ?? null,
    training: c.training
      ? {
          epochs_run: c.training.epochs_run ?? null,
          epochs_planned: c.training.epochs_planned ?? null,
          best_epoch: c.training.best_epoch ?? null,
        }
      : null,
    validation: c.validation ?? null,
    reference: c.reference ?? null,
    detector: DETECTOR_INFO,
    quality: {
      measured_on: `each face's ${INPUT_SIZE}x${INPUT_SIZE} gray input before normalization (luma 0..255): size = source px its side spans, sharpness = variance of the 4-neighbour Laplacian, brightness = mean, contrast = standard deviation`,
      thresholds: {
        min_size_px: QUALITY_THRESHOLDS.minSizePx,
        min_sharpness: QUALITY_THRESHOLDS.minSharpness,
        min_brightness: QUALITY_THRESHOLDS.minBrightness,
        max_brightness: QUALITY_THRESHOLDS.maxBrightness,
      },
    },
    limits: {
      max_body_bytes: LIMITS.maxBodyBytes,
      max_pixels: LIMITS.maxPixels,
      max_pixels_held: LIMITS.maxPixelsHeld,
      max_side: LIMITS.maxSide,
      max_decode_bytes: LIMITS.maxDecodeBytes,
      max_jpeg_scans: LIMITS.maxJpegScans,
      max_faces: LIMITS.maxFaces,
      accepted_formats: [...ACCEPTED_FORMATS],
    },
  };
}
