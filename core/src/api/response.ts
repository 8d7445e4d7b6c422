/**
 * The JSON answers of the API, described once (zod): POST /classify's faces and the envelope around
 * them, GET /healthz, the error body. The TypeScript types are inferred from these schemas,
 * /openapi.json publishes them (./document.ts), the API page's field table reads their descriptions.
 * A new per-face field goes in `FaceSchema`: its type, the document and the page follow; the code
 * that computes it (core's analyzeImage) must then give it, or the types refuse.
 */
import * as z from 'zod/mini';
import { CLASSES, INPUT_SIZE } from '../classes.ts';
import { LANDMARK_NAMES } from '../faces/landmarks.ts';
import { QUALITY_THRESHOLDS as QT } from '../faces/quality.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';
import { LIMITS } from './limits.ts';
import { meta } from './meta.ts';

const num = (min?: number, max?: number) =>
  z.number().check(...(min === undefined ? [] : [z.minimum(min)]), ...(max === undefined ? [] : [z.maximum(max)]));
const probability = num(0, 1);
const described = <T extends z.ZodMiniType>(schema: T, description: string) => meta(schema, { description });
const ms = (description: string) => described(num(0), `${description} (milliseconds)`);

export const BoxSchema = meta(z.strictObject({ x: num(0), y: num(0), w: num(1), h: num(1) }), {
  id: 'Box',
  description: 'A region in pixels of the EXIF-oriented image.',
});

export const PointSchema = meta(z.strictObject({ x: z.number(), y: z.number() }), { id: 'Point' });

export const ScoresSchema = meta(
  z.strictObject(Object.fromEntries(CLASSES.map((c) => [c, probability])) as Record<(typeof CLASSES)[number], typeof probability>),
  { id: 'Scores', description: 'Softmax probability of every class; they sum to 1.' },
);

/** The classification of one region: what the emotion model says of it. */
const ClassificationSchema = z.strictObject({
  emotion: described(z.enum(CLASSES), 'The apparent facial expression (the top class): what the face shows, not what the person feels.'),
  confidence: described(probability, "The top class's score."),
  uncertain: described(
    z.boolean(),
    'true when the top score is under the served model\'s threshold (GET /model: `validation.abstention.threshold`), the lowest at which the answers kept are at least 80% right on FER2013 PublicTest with flip TTA. Show "not sure" instead of the label; the scores are still given.',
  ),
  scores: ScoresSchema,
});

const notDetected = 'null when the region was not detected (a given box, or detect=false)';

const QualitySchema = meta(
  z.strictObject({
    size: described(
      num(0),
      `Side in source pixels of the square the ${INPUT_SIZE}x${INPUT_SIZE} input is resized from (a box's shorter side).`,
    ),
    sharpness: described(num(0), 'Variance of the 4-neighbour Laplacian of the input.'),
    brightness: described(num(0, 255), 'Mean luma of the input.'),
    contrast: described(num(0), 'Standard deviation of the luma of the input.'),
    too_small: described(z.boolean(), `size under ${QT.minSizePx} px: the face was upscaled to the size the model was trained for.`),
    blurry: described(
      z.boolean(),
      `sharpness under ${QT.minSharpness} (a dark or washed-out face has fewer edges and may be flagged too).`,
    ),
    dark: described(z.boolean(), `brightness under ${QT.minBrightness}.`),
    overexposed: described(z.boolean(), `brightness over ${QT.maxBrightness}.`),
  }),
  {
    id: 'Quality',
    description:
      `What the classifier saw, for every region: measured on its ${INPUT_SIZE}x${INPUT_SIZE} gray input (the aligned crop, the resized box or whole image) before normalization, luma 0..255. ` +
      'Thresholds (GET /model quality.thresholds) were chosen so that clear local photos are not flagged and blurred, darkened or brightened copies are.',
  },
);

/** Where a region came from and what the classifier saw of it. */
const FaceRegionSchema = z.strictObject({
  box: described(
    BoxSchema,
    'The face as the detector found it (x, y, w, h in pixels of the oriented image, clipped to it); the given box; or the whole image.',
  ),
  crop: described(
    BoxSchema,
    `The region classified (resized to ${INPUT_SIZE}x${INPUT_SIZE}): for a detected face the box of source pixels its aligned crop reads (eyes level, framed by eyes and mouth as FER2013's faces are; see /model detector.crop); otherwise \`box\` itself.`,
  ),
  detection_score: described(z.nullable(probability), `The detector's score; ${notDetected}.`),
  landmarks: described(
    z.nullable(
      z.strictObject(
        Object.fromEntries(LANDMARK_NAMES.map((n) => [n, PointSchema])) as Record<(typeof LANDMARK_NAMES)[number], typeof PointSchema>,
      ),
    ),
    `BlazeFace's six keypoints by name (the subject's right and left eye, nose tip, mouth centre, right and left ear), each \`{x, y}\` in pixels of the oriented image; ${notDetected}.`,
  ),
  pose: described(
    z.nullable(z.strictObject({ roll: num(-180, 180) })),
    `Head pose: \`roll\` in degrees from the eyes, positive when the face is turned clockwise in the image; ${notDetected}.`,
  ),
  quality: QualitySchema,
});

/** One classified region: each entry of `faces`, and (all null when there is none) the top level of the answer. */
export const FaceSchema = meta(z.extend(ClassificationSchema, FaceRegionSchema.shape), {
  id: 'Face',
  description: 'One classified region.',
});

const TimingsSchema = described(
  z.strictObject({
    decode: ms('Decoding (and, with detection, the grayscale conversion)'),
    detect: z.optional(ms('Face detection (letterbox, detector, decoding its output); only when it ran')),
    preprocess: ms('Cropping and resizing the regions'),
    inference: ms('The emotion model, all regions in batches'),
    model_load: z.optional(ms('Only on the request that created the sessions (emotion model and detector) in this isolate')),
    total: ms('The whole request'),
  }),
  "Server time per stage in ms. On Cloudflare's edge the clock only advances on I/O, so stages without I/O may read 0 there; local workerd reports real time.",
);

const ModelIdSchema = meta(z.strictObject({ name: z.string(), version: z.string(), input_size: z.literal(INPUT_SIZE) }), {
  id: 'ModelId',
  description: 'Name, version and input size of the model that answered.',
});

const REGION_SOURCES = ['detection', 'box', 'whole_image'] as const;

/** What every 200 of POST /classify has, face or no face. */
const envelope = {
  source: described(
    z.enum(REGION_SOURCES),
    'Where the regions came from: `detection` (the face detector), `box` (the given `box` or `boxes`), or `whole_image` (detect=false).',
  ),
  tta: described(z.boolean(), 'Whether the scores average each crop and its mirror image (the `tta` parameter).'),
  image: described(
    z.strictObject({ width: z.int().check(z.minimum(1)), height: z.int().check(z.minimum(1)) }),
    'Width and height of the EXIF-oriented image: the pixel grid of the boxes.',
  ),
  damaged: described(
    z.boolean(),
    'true when the image data was damaged and was decoded as libjpeg (and browsers) decode it: stray bytes before a JPEG marker skipped, a broken scan resumed at its next restart marker, the part lost left mid-grey. The answer may then be about a partly wrong image. A file cut short is a 400 `corrupt_image` instead.',
  ),
  model: ModelIdSchema,
  timings: TimingsSchema,
};

const facesDescription =
  'Every region classified: the faces found, largest first (at most max_faces), or the given boxes in order, or the whole image; the top-level face fields repeat the first.';

/** A 200 with at least one face: the top-level face fields are the largest face's. */
const FaceAnswerSchema = meta(
  z.extend(FaceSchema, {
    faces: described(z.array(FaceSchema).check(z.minLength(1), z.maxLength(LIMITS.maxFaces)), facesDescription),
    message: described(z.null(), 'Why `faces` is empty (no face found); null otherwise.'),
    ...envelope,
  }),
  { id: 'FaceAnswer', description: 'At least one region: the top-level face fields are those of `faces[0]`, the largest face.' },
);

/** A 200 without a face: the top-level face fields are null and a message says why. */
const NoFaceAnswerSchema = meta(
  z.strictObject({
    ...(Object.fromEntries(Object.keys(FaceSchema.shape).map((k) => [k, z.null()])) as Record<
      keyof typeof FaceSchema.shape,
      z.ZodMiniNull
    >),
    faces: described(z.array(FaceSchema).check(z.maxLength(0)), facesDescription),
    message: described(z.string().check(z.minLength(1)), 'Why `faces` is empty.'),
    ...envelope,
    source: described(z.literal('detection'), 'Only detection can find no face.'),
  }),
  { id: 'NoFaceAnswer', description: 'Detection found no face: `faces` is empty, the top-level face fields are null, `message` says why.' },
);

export const ClassifyResponseSchema = meta(z.union([FaceAnswerSchema, NoFaceAnswerSchema]), {
  id: 'Classification',
  description: "POST /classify's 200: the largest face's fields at the top level (all null when there is none), and every face.",
});

const HealthSchema = meta(z.strictObject({ status: z.literal('ok'), runtime: z.string(), model_loaded: z.boolean() }), {
  id: 'Health',
  description: 'Liveness.',
});

const ErrorBodySchema = meta(
  z.strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string().check(z.minLength(1)),
    }),
  }),
  { id: 'Error', description: 'Every error: a stable `code` (its HTTP status is fixed) and a message for people.' },
);

export type Box = z.infer<typeof BoxSchema>;
export type Point = z.infer<typeof PointSchema>;
/** Softmax probability of every class; they sum to 1. */
export type Scores = z.infer<typeof ScoresSchema>;
/** The emotion model's answer for one region (core's emotionClassifier gives these). */
export type Classification = z.infer<typeof ClassificationSchema>;
export type FaceRegion = z.infer<typeof FaceRegionSchema>;
export type Landmarks = NonNullable<FaceRegion['landmarks']>;
export type Pose = NonNullable<FaceRegion['pose']>;
export type Quality = FaceRegion['quality'];
/** One classified region of an answer (not the detector's own face: core/src/faces). */
export type Face = z.infer<typeof FaceSchema>;
export type RegionSource = (typeof REGION_SOURCES)[number];
export type Timings = z.infer<typeof TimingsSchema>;
export type ModelId = z.infer<typeof ModelIdSchema>;
export type ClassifyResponse = z.infer<typeof ClassifyResponseSchema>;
export type Health = z.infer<typeof HealthSchema>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
