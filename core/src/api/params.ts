/**
 * The request parameters of POST /classify, described once (zod): the same in the query string and
 * as form fields. The worker and the emotion-edge package read requests by it (./parse-request.ts),
 * /openapi.json publishes it as the query parameters and the form's fields (./document.ts), the API
 * page's table reads its descriptions, and the client's options are its types.
 */
import * as z from 'zod/mini';
import { DEFAULT_DETECTION_OPTIONS } from '../faces/find.ts';
import { LIMITS } from './limits.ts';
import { meta } from './meta.ts';
import { parseBox } from './parse-box.ts';

/** What a true/false parameter accepts, exactly (lower case). */
export const FLAG_VALUES = ['true', 'false', '1', '0'] as const;

const flag = (fallback: boolean, description: string) =>
  meta(
    z.pipe(
      z._default(z.enum(FLAG_VALUES), fallback ? 'true' : 'false'),
      z.transform((v: (typeof FLAG_VALUES)[number]) => v === 'true' || v === '1'),
    ),
    { description: `${description} Accepts exactly true, false, 1 or 0.` },
  );

const range = (min: number, max: number) => [z.minimum(min), z.maximum(max)] as const;

/**
 * A non-negative decimal number, and one that is at least 1 (a box's width and height), with spaces
 * around. Only spaces: a form's encoding turns a line break into CRLF, which would change a text's length.
 */
const COORD = String.raw` *\d+(?:\.\d+)? *`;
const SIDE = String.raw` *0*[1-9]\d*(?:\.\d+)? *`;
const BOX = `${COORD},${COORD},${SIDE},${SIDE}`;

/** The longest `box` text; `boxes` may hold LIMITS.maxFaces of them. */
export const BOX_MAX_LENGTH = 100;

/** `box=x,y,w,h`: x and y non-negative, w and h at least 1 (the parser reads exactly this). */
export const BOX_PATTERN = `^${BOX}$`;
/** `boxes=x,y,w,h;x,y,w,h;...`: 1 to LIMITS.maxFaces entries, each as for `box`. */
const BOXES_PATTERN = `^${BOX}(?:;${BOX}){0,${LIMITS.maxFaces - 1}}$`;

export const ClassifyParamsSchema = z.object({
  box: meta(z.optional(z.pipe(z.string().check(z.maxLength(BOX_MAX_LENGTH), z.regex(new RegExp(BOX_PATTERN))), z.transform(parseBox))), {
    description:
      'A region "x,y,w,h" (pixels of the EXIF-oriented image; x and y at least 0, w and h at least 1) to classify as given: no face detection runs, and `faces` holds that one region. A region leaving the image is a 400 `bad_box`.',
    examples: ['10,10,100,100'],
  }),
  boxes: meta(
    z.optional(
      z.pipe(
        z.string().check(z.maxLength(LIMITS.maxFaces * (BOX_MAX_LENGTH + 1) - 1), z.regex(new RegExp(BOXES_PATTERN))),
        z.transform((text: string) => text.split(';').map(parseBox)),
      ),
    ),
    {
      description: `Regions "x,y,w,h;x,y,w,h;..." (1 to ${LIMITS.maxFaces}) to classify as given, in order: bring your own face detector. Each as for \`box\`; an invalid entry is a 400 \`bad_box\` naming it. Not together with \`box\` (a 400 \`bad_box\`).`,
      examples: ['10,10,100,100;200,40,90,90'],
    },
  ),
  detect: flag(
    true,
    'Find the faces and classify each (true, the default), or classify the whole image (false). Ignored when `box` or `boxes` is given.',
  ),
  max_faces: meta(z._default(z.int().check(...range(1, LIMITS.maxFaces)), 50), {
    description: 'Classify at most this many faces, the largest (AWS Rekognition too returns up to 100, largest first).',
  }),
  min_detection_score: meta(z._default(z.number().check(...range(0, 1)), DEFAULT_DETECTION_OPTIONS.scoreThreshold), {
    description: "Drop detected faces whose detector score is below this (the default is the detector's own threshold).",
  }),
  min_face_size: meta(z._default(z.number().check(...range(0, LIMITS.maxSide)), 0), {
    description: 'Drop detected faces smaller than this many pixels on the longer side of their box (the default, 0, drops none).',
  }),
  tta: flag(
    true,
    'Flip test-time augmentation (true, the default): each crop and its mirror image are classified and their scores averaged, a little more accurate on the validation set (the model card gives the figure) for a second model row. false: the crop alone.',
  ),
});

/** A parameter's wire name. */
export type ParamName = keyof typeof ClassifyParamsSchema.shape;
export const PARAM_NAMES = Object.keys(ClassifyParamsSchema.shape) as ParamName[];

/** The parameters as read, by their wire names: defaults filled in, flags as booleans, boxes as Box. */
export type ClassifyParams = z.output<typeof ClassifyParamsSchema>;

/** The parameters a caller may set: the emotion-edge client's and analyzers' options. */
export type ClassifyOptions = Partial<ClassifyParams>;

/** Every default, as read from an empty request. */
export const DEFAULT_PARAMS: ClassifyParams = ClassifyParamsSchema.parse({});
