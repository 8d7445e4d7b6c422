/**
 * GET /model's answer, described once (zod/mini, as core's API schemas): /openapi.json publishes it
 * (its id, Model, puts it among core's components) and model-info.ts's answer is typed by it. The
 * limits and thresholds are constants here, so the document states the values this Worker enforces.
 */
import { CLASSES, INPUT_SIZE } from '@emotion/core';
import { DEFAULT_PARAMS, LIMITS, meta } from '@emotion/core/api';
import { QUALITY_THRESHOLDS as QT } from '@emotion/core/faces';
import * as z from 'zod/mini';
import { DETECTOR_INFO } from './faces.ts';

const described = <T extends z.ZodMiniType>(schema: T, description: string) => meta(schema, { description });
const card = z.nullable(z.looseObject({}));

export const ModelSchema = meta(
  z.looseObject({
    name: z.string(),
    version: z.string(),
    input_size: z.literal(INPUT_SIZE),
    classes: described(z.array(z.enum(CLASSES)).check(z.length(CLASSES.length)), "The classes, in the order of the model's outputs."),
    input: z.looseObject({ size: z.int(), channels: z.int(), layout: z.string() }),
    normalization: z.looseObject({ mean: z.number(), std: z.number() }),
    preprocessing: z.array(z.string()),
    parameters: z.nullable(z.int()),
    training: card,
    validation: described(
      z.nullable(z.looseObject({ dataset: z.string(), n: z.int(), accuracy: z.nullable(z.number()) })),
      'Validation results from the model card (FER2013 PublicTest).',
    ),
    reference: card,
    detector: described(
      z.looseObject({
        name: z.string(),
        variant: z.string(),
        input_size: z.literal(DETECTOR_INFO.input_size),
        input: z.string(),
        score_threshold: z.literal(DETECTOR_INFO.score_threshold),
        iou_threshold: z.literal(DETECTOR_INFO.iou_threshold),
        alignment: z.looseObject({ eye_centre: z.object({ x: z.number(), y: z.number() }), eye_mouth: z.number(), size: z.int() }),
        tile_above_side: z.literal(DETECTOR_INFO.tile_above_side),
        crop: z.string(),
        max_faces: z.looseObject({ default: z.literal(DEFAULT_PARAMS.max_faces), max: z.literal(LIMITS.maxFaces) }),
        license: z.string(),
      }),
      'The face detector and how faces are cropped for the classifier.',
    ),
    quality: described(
      z.looseObject({
        measured_on: z.string(),
        thresholds: z.strictObject({
          min_size_px: z.literal(QT.minSizePx),
          min_sharpness: z.literal(QT.minSharpness),
          min_brightness: z.literal(QT.minBrightness),
          max_brightness: z.literal(QT.maxBrightness),
        }),
      }),
      "How each face's `quality` flags are decided (core/src/faces/quality.ts).",
    ),
    limits: z.looseObject({
      max_body_bytes: z.literal(LIMITS.maxBodyBytes),
      max_pixels: described(z.literal(LIMITS.maxPixels), 'largest width x height of a baseline JPEG (decoded streamed)'),
      max_pixels_held: described(
        z.literal(LIMITS.maxPixelsHeld),
        'largest width x height of what is held whole: a progressive JPEG, a PNG',
      ),
      max_side: z.literal(LIMITS.maxSide),
      max_decode_bytes: described(z.literal(LIMITS.maxDecodeBytes), "decoding memory, by the decoder's own accounting"),
      max_jpeg_scans: z.literal(LIMITS.maxJpegScans),
      max_faces: z.literal(LIMITS.maxFaces),
      accepted_formats: z.array(z.string()),
    }),
  }),
  {
    id: 'Model',
    description: 'The model: classes, input, normalization, version, the detector, quality thresholds, limits and validation results.',
  },
);

export type ModelInfo = z.input<typeof ModelSchema>;
