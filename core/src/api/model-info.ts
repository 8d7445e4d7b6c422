/**
 * GET /model's answer, described once: /openapi.json publishes it (component Model) and the worker's
 * answer (worker/src/model-info.ts) is typed by it. The limits and thresholds are constants here,
 * so the document states the values the API enforces.
 */
import * as z from 'zod/mini';
import { CLASSES, INPUT_SIZE } from '../classes.ts';
import { DEFAULT_DETECTION_OPTIONS, TILE_ABOVE_SIDE } from '../faces/find.ts';
import { DETECTOR_SIZE } from '../faces/model.ts';
import { QUALITY_THRESHOLDS as QT } from '../faces/quality.ts';
import { LIMITS } from './limits.ts';
import { meta } from './meta.ts';
import { LEGACY_UNCERTAIN_BELOW } from './model-id.ts';
import { DEFAULT_PARAMS } from './params.ts';

const described = <T extends z.ZodMiniType>(schema: T, description: string) => meta(schema, { description });
const card = z.nullable(z.looseObject({}));

const ModelSchema = meta(
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
      z.nullable(
        z.looseObject({
          dataset: z.string(),
          n: z.int(),
          accuracy: z.nullable(z.number()),
          abstention: z.optional(
            described(
              z.object({ threshold: z.number(), answered: z.number(), right: z.number(), target: z.number() }),
              `Answers are \`uncertain\` under \`threshold\`: the lowest top score at which the answers kept (\`answered\`, a share of the set) are at least \`target\` right (\`right\`), with flip TTA. Absent from older cards (then ${LEGACY_UNCERTAIN_BELOW}).`,
            ),
          ),
        }),
      ),
      'Validation results from the model card (FER2013 PublicTest).',
    ),
    reference: card,
    detector: described(
      z.looseObject({
        name: z.string(),
        variant: z.string(),
        input_size: z.literal(DETECTOR_SIZE),
        input: z.string(),
        score_threshold: z.literal(DEFAULT_DETECTION_OPTIONS.scoreThreshold),
        iou_threshold: z.literal(DEFAULT_DETECTION_OPTIONS.iouThreshold),
        alignment: z.looseObject({ eye_centre: z.object({ x: z.number(), y: z.number() }), eye_mouth: z.number(), size: z.int() }),
        tile_above_side: z.literal(TILE_ABOVE_SIDE),
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
