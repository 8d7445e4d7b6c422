/** The OpenAPI 3.1 document of the API; a test checks real responses against its schemas. */
import { CLASSES, INPUT_SIZE, UNCERTAIN_BELOW } from '@emotion/core';
import {
  BOX_PARAMS,
  BOX_PATTERN,
  CLASSIFY_PARAMS,
  ERROR_STATUS,
  type Face,
  FLAG_VALUES,
  LIMITS,
  mib,
  RATE_LIMITS,
  ROUTES,
} from '@emotion/core/api';
import { LANDMARK_NAMES, QUALITY_THRESHOLDS as QT } from '@emotion/core/faces';
import { DETECTOR_INFO } from './faces.ts';

const ms = { type: 'number', minimum: 0, description: 'milliseconds' } as const;
const prob = { type: 'number', minimum: 0, maximum: 1 } as const;

const scores = {
  type: 'object',
  description: 'Softmax probability of every class; they sum to 1.',
  properties: Object.fromEntries(CLASSES.map((c) => [c, prob])),
  required: [...CLASSES],
  additionalProperties: false,
};

const box = {
  type: 'object',
  description: 'A region in pixels of the EXIF-oriented image.',
  properties: {
    x: { type: 'number', minimum: 0 },
    y: { type: 'number', minimum: 0 },
    w: { type: 'number', minimum: 1 },
    h: { type: 'number', minimum: 1 },
  },
  required: ['x', 'y', 'w', 'h'],
  additionalProperties: false,
};

const errorCodes = Object.keys(ERROR_STATUS);

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const rates =
  `Rate limits per client: ${RATE_LIMITS.anonymous} requests per ${RATE_LIMITS.periodSeconds} s without a key (counted by client address; an IPv6 address by its /64), ` +
  `${RATE_LIMITS.keyed} per ${RATE_LIMITS.periodSeconds} s with an API key (counted by key), as deployed; over the limit the answer is 429 with Retry-After.`;

const boxParam =
  'Optional region "x,y,w,h" (non-negative numbers, pixels of the EXIF-oriented image) to classify as given: no face detection runs, and `faces` holds that one region.';
const { maxFaces, minDetectionScore, minFaceSize } = CLASSIFY_PARAMS;
const boxesParam = `Optional regions "x,y,w,h;x,y,w,h;..." (at most ${BOX_PARAMS.boxes.maxEntries}) to classify as given, in order: bring your own face detector. Each as for \`box\`; an invalid entry is a 400 naming it. Not together with \`box\`.`;
const detectParam =
  'Find the faces and classify each (true, the default), or classify the whole image (false). Accepts true/false/1/0. Ignored when `box` is given.';
const ttaParam =
  'Flip test-time augmentation (true, the default): each crop and its mirror image are classified and their scores averaged, a little more accurate on the validation set (the model card gives the figure) for a second model row. false: the crop alone. Accepts true/false/1/0.';
const maxFacesParam = `Classify at most this many faces, the largest (${maxFaces.min} to ${maxFaces.max}, default ${maxFaces.default}).`;
const minScoreParam = `Drop detected faces whose detector score is below this (${minDetectionScore.min} to ${minDetectionScore.max}, default ${minDetectionScore.default}, the detector's own threshold).`;
const minSizeParam = `Drop detected faces smaller than this many pixels on the longer side of their box (${minFaceSize.min} to ${minFaceSize.max}, default ${minFaceSize.default}: none).`;
const flag = (fallback: boolean) => ({ type: 'string', enum: [...FLAG_VALUES], default: String(fallback) });

const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });

/** One classified region, as each entry of `faces` and (nullable) at the top level. */
const faceProperties = {
  box: {
    $ref: '#/components/schemas/Box',
    description:
      'The face as the detector found it (x, y, w, h in pixels of the oriented image, clipped to it); the given box; or the whole image.',
  },
  crop: {
    $ref: '#/components/schemas/Box',
    description: `The region classified (resized to ${INPUT_SIZE}x${INPUT_SIZE}): for a detected face the box of source pixels its aligned crop reads (eyes level, framed by eyes and mouth as FER2013's faces are; see /model detector.crop); otherwise \`box\` itself.`,
  },
  detection_score: {
    type: ['number', 'null'],
    minimum: 0,
    maximum: 1,
    description: "The detector's score; null when the region was not detected (a given box, or detect=false).",
  },
  landmarks: nullable({
    type: 'object',
    description:
      "BlazeFace's six keypoints by name (the subject's right and left eye, nose tip, mouth centre, right and left ear), in pixels of the oriented image; null when the region was not detected.",
    properties: Object.fromEntries(LANDMARK_NAMES.map((n) => [n, { $ref: '#/components/schemas/Point' }])),
    required: [...LANDMARK_NAMES],
    additionalProperties: false,
  }),
  pose: nullable({
    type: 'object',
    description:
      'Head pose: roll in degrees from the eyes, positive when the face is turned clockwise in the image; null when the region was not detected.',
    properties: { roll: { type: 'number', minimum: -180, maximum: 180 } },
    required: ['roll'],
    additionalProperties: false,
  }),
  quality: {
    type: 'object',
    description:
      `What the classifier saw: measured on its ${INPUT_SIZE}x${INPUT_SIZE} gray input (the aligned crop, the resized box or whole image) before normalization, luma 0..255. ` +
      'Thresholds (GET /model quality.thresholds) were chosen so that clear local photos are not flagged and blurred, darkened or brightened copies are.',
    properties: {
      size: {
        type: 'number',
        minimum: 0,
        description: `Side in source pixels of the square the ${INPUT_SIZE}x${INPUT_SIZE} input is resized from (a box's shorter side).`,
      },
      sharpness: { type: 'number', minimum: 0, description: 'Variance of the 4-neighbour Laplacian of the input.' },
      brightness: { type: 'number', minimum: 0, maximum: 255, description: 'Mean luma of the input.' },
      contrast: { type: 'number', minimum: 0, description: 'Standard deviation of the luma of the input.' },
      too_small: {
        type: 'boolean',
        description: `size under ${QT.minSizePx} px: the face was upscaled to the size the model was trained for.`,
      },
      blurry: {
        type: 'boolean',
        description: `sharpness under ${QT.minSharpness} (a dark or washed-out face has fewer edges and may be flagged too).`,
      },
      dark: { type: 'boolean', description: `brightness under ${QT.minBrightness}.` },
      overexposed: { type: 'boolean', description: `brightness over ${QT.maxBrightness}.` },
    },
    required: ['size', 'sharpness', 'brightness', 'contrast', 'too_small', 'blurry', 'dark', 'overexposed'],
    additionalProperties: false,
  },
  emotion: {
    type: 'string',
    enum: [...CLASSES],
    description: 'The apparent facial expression (the top class): what the face shows, not what the person feels.',
  },
  confidence: { ...prob, description: "The top class's score." },
  uncertain: {
    type: 'boolean',
    description: `true when the top score is under ${UNCERTAIN_BELOW}: the lowest threshold at which the answers kept are at least 80% right on FER2013 PublicTest (there 61% of images are answered, 82.8% right). Show "not sure" instead of the label; the scores are still given.`,
  },
  scores: { $ref: '#/components/schemas/Scores' },
  // Exactly the fields of the contract's Face type (@emotion/core/api response.ts).
} as const satisfies Record<keyof Face, object>;

export const openapi = {
  openapi: '3.1.0',
  info: {
    title: 'emotion-edge API',
    version: '1.0.0',
    description:
      'Facial-expression classification at the edge: BlazeFace finds the faces, ScratchCNN (FER2013, 48x48 grayscale) classifies each, both on onnxruntime-web in Cloudflare Workers. ' +
      'Images are decoded in the Worker shrink-on-load (a JPEG straight to the scale each step needs, in the DCT domain; PNG rows streamed) and never stored or logged. ' +
      `Limits: body ${mib(LIMITS.maxBodyBytes)}, ${LIMITS.maxSide} pixels on the longest side, ${LIMITS.maxPixelsHeld} pixels for a progressive JPEG or a PNG, ${LIMITS.maxDecodeMemoryMB} MB of decoder memory.`,
  },
  paths: {
    [ROUTES.classify]: {
      post: {
        operationId: 'classify',
        summary: 'Find the faces in a JPEG or PNG image and classify the facial expression of each.',
        description:
          'Send the image as multipart/form-data (field `image`, optional fields `box`, `boxes`, `detect`, `max_faces`, `tta`, `min_detection_score`, `min_face_size`) or as the raw body with Content-Type image/jpeg or image/png ' +
          '(the options then in the query string). The format is sniffed from the bytes. ' +
          `By default the face detector (${DETECTOR_INFO.name}) finds every face (large photos are also searched in tiles); each face's crop, aligned as FER2013's faces are, is classified, and \`faces\` lists them largest first, ` +
          'the top-level fields repeating the largest. No face found: 200 with `faces: []`, a `message`, and the top-level face fields null. ' +
          'With `box` that region is classified without detection (with `boxes`, each region, in order); with `detect=false` the whole image is. ' +
          `Limits: body at most ${LIMITS.maxBodyBytes} bytes, image at most ${LIMITS.maxSide} pixels on its longest side (a progressive JPEG or a PNG at most ${LIMITS.maxPixelsHeld} pixels), ` +
          `decoding at most ${LIMITS.maxDecodeMemoryMB} MB by the decoder's accounting, at most ${LIMITS.maxJpegScans} JPEG scans; over any of them the answer is 413. ` +
          'An API key (`Authorization: Bearer <key>`) is optional unless the deployment sets REQUIRE_API_KEY; a wrong or malformed one is a 401 either way. ' +
          rates,
        security: [{}, { bearerAuth: [] }],
        parameters: [
          {
            name: BOX_PARAMS.box.name,
            in: 'query',
            required: false,
            description: boxParam,
            schema: { type: 'string', pattern: BOX_PATTERN, examples: ['10,10,100,100'] },
          },
          {
            name: BOX_PARAMS.boxes.name,
            in: 'query',
            required: false,
            description: boxesParam,
            schema: { type: 'string', examples: ['10,10,100,100;200,40,90,90'] },
          },
          {
            name: CLASSIFY_PARAMS.detect.name,
            in: 'query',
            required: false,
            description: detectParam,
            schema: flag(CLASSIFY_PARAMS.detect.default),
          },
          {
            name: maxFaces.name,
            in: 'query',
            required: false,
            description: maxFacesParam,
            schema: { type: 'integer', minimum: maxFaces.min, maximum: maxFaces.max, default: maxFaces.default },
          },
          {
            name: minDetectionScore.name,
            in: 'query',
            required: false,
            description: minScoreParam,
            schema: { type: 'number', minimum: minDetectionScore.min, maximum: minDetectionScore.max, default: minDetectionScore.default },
          },
          {
            name: minFaceSize.name,
            in: 'query',
            required: false,
            description: minSizeParam,
            schema: { type: 'number', minimum: minFaceSize.min, maximum: minFaceSize.max, default: minFaceSize.default },
          },
          {
            name: CLASSIFY_PARAMS.tta.name,
            in: 'query',
            required: false,
            description: ttaParam,
            schema: flag(CLASSIFY_PARAMS.tta.default),
          },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  image: { type: 'string', format: 'binary', description: 'JPEG or PNG file' },
                  box: { type: 'string', description: boxParam },
                  boxes: { type: 'string', description: boxesParam },
                  detect: { type: 'string', enum: [...FLAG_VALUES], description: detectParam },
                  max_faces: { type: 'string', pattern: '^\\d+$', description: maxFacesParam },
                  min_detection_score: { type: 'string', description: minScoreParam },
                  min_face_size: { type: 'string', description: minSizeParam },
                  tta: { type: 'string', enum: [...FLAG_VALUES], description: ttaParam },
                },
                required: ['image'],
              },
            },
            'image/jpeg': { schema: { type: 'string', format: 'binary' } },
            'image/png': { schema: { type: 'string', format: 'binary' } },
            'application/octet-stream': {
              schema: { type: 'string', format: 'binary', description: 'JPEG or PNG bytes (the format is sniffed)' },
            },
          },
        },
        responses: {
          '200': {
            description: 'The faces and their classification (possibly none).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Classification' } } },
          },
          '400': errorResponse(
            'Corrupt or truncated image, empty body, a form without `image`, malformed multipart, a bad `box` or `boxes` entry (`bad_box`), or a bad `detect` / `max_faces` / `tta` / `min_detection_score` / `min_face_size` (`bad_parameter`).',
          ),
          '401': {
            ...errorResponse('A wrong or malformed API key (`unauthorized`), or none where the deployment requires one.'),
            headers: {
              'WWW-Authenticate': {
                description:
                  'The Bearer challenge: `Bearer realm="emotion-edge"`, with `error="invalid_token"` for a wrong or malformed key.',
                required: true,
                schema: { type: 'string' },
              },
            },
          },
          '413': errorResponse('Body, pixel count or decoding memory over the limits (the message names the limit).'),
          '415': errorResponse('Not a JPEG or PNG (sniffed from the bytes), or an unaccepted Content-Type.'),
          '429': {
            ...errorResponse(`Over this client's rate limit (\`rate_limited\`). ${rates}`),
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before trying again.',
                required: true,
                schema: { type: 'integer', minimum: 1 },
              },
            },
          },
          '500': errorResponse('A fault of the server (never caused by the input).'),
        },
      },
      options: { operationId: 'classifyPreflight', summary: 'CORS preflight.', responses: { '204': { description: 'Preflight answer.' } } },
    },
    [ROUTES.model]: {
      get: {
        operationId: 'model',
        summary: 'The model: classes, input, normalization, version, limits and validation results.',
        responses: {
          '200': { description: 'Model information.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Model' } } } },
        },
      },
    },
    [ROUTES.healthz]: {
      get: {
        operationId: 'healthz',
        summary: 'Liveness: answers without loading the model.',
        responses: {
          '200': { description: 'Alive.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
        },
      },
    },
    [ROUTES.openapi]: {
      get: {
        operationId: 'openapi',
        summary: 'This document.',
        responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key, sent as `Authorization: Bearer <key>` (the operator makes keys with `npm run api-key -w worker` and lists their SHA-256 digests in the API_KEYS secret). ' +
          'Optional on POST /classify unless REQUIRE_API_KEY is set; a keyed client gets its own, higher rate limit. Never needed by the other routes or by CORS preflights.',
      },
    },
    schemas: {
      Scores: scores,
      Box: box,
      Point: {
        type: 'object',
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        required: ['x', 'y'],
        additionalProperties: false,
      },
      ModelId: {
        type: 'object',
        properties: { name: { type: 'string' }, version: { type: 'string' }, input_size: { type: 'integer', const: INPUT_SIZE } },
        required: ['name', 'version', 'input_size'],
      },
      Face: {
        type: 'object',
        description: 'One classified region.',
        properties: faceProperties,
        required: Object.keys(faceProperties),
        additionalProperties: false,
      },
      Classification: {
        type: 'object',
        description: 'The top-level face fields are those of `faces[0]`, the largest face; all null when `faces` is empty.',
        properties: {
          box: nullable(faceProperties.box),
          crop: nullable(faceProperties.crop),
          detection_score: faceProperties.detection_score,
          landmarks: faceProperties.landmarks,
          pose: faceProperties.pose,
          quality: nullable(faceProperties.quality),
          emotion: { type: ['string', 'null'], enum: [...CLASSES, null], description: faceProperties.emotion.description },
          confidence: { type: ['number', 'null'], minimum: 0, maximum: 1, description: "The top class's score." },
          uncertain: { type: ['boolean', 'null'], description: faceProperties.uncertain.description },
          scores: nullable({ $ref: '#/components/schemas/Scores' }),
          faces: {
            type: 'array',
            description: `Every region classified: the faces found, largest first (at most max_faces), or the one given box / whole image.`,
            items: { $ref: '#/components/schemas/Face' },
            maxItems: LIMITS.maxFaces,
          },
          message: { type: ['string', 'null'], description: 'Why `faces` is empty (no face found); null otherwise.' },
          source: {
            type: 'string',
            enum: ['detection', 'box', 'whole_image'],
            description: 'Where the regions came from: the face detector, the given `box`, or the whole image (detect=false).',
          },
          tta: { type: 'boolean', description: 'Whether the scores average each crop and its mirror image (the `tta` parameter).' },
          image: {
            type: 'object',
            description: 'Size of the EXIF-oriented image.',
            properties: { width: { type: 'integer', minimum: 1 }, height: { type: 'integer', minimum: 1 } },
            required: ['width', 'height'],
            additionalProperties: false,
          },
          damaged: {
            type: 'boolean',
            description:
              'true when the image data was damaged and was decoded as libjpeg (and browsers) decode it: stray bytes before a JPEG marker skipped, a broken scan resumed at its next restart marker, the part lost left mid-grey. The answer may then be about a partly wrong image. A file cut short is a 400 `corrupt_image` instead.',
          },
          model: { $ref: '#/components/schemas/ModelId' },
          timings: {
            type: 'object',
            description:
              "Server time per stage in ms. On Cloudflare's edge the clock only advances on I/O, so stages without I/O may read 0 there; local workerd reports real time.",
            properties: {
              decode: { ...ms, description: 'Decoding (and, with detection, the grayscale conversion).' },
              detect: { ...ms, description: 'Face detection (letterbox, detector, decoding its output); only when it ran.' },
              preprocess: ms,
              inference: { ...ms, description: 'The emotion model, all regions in one batch.' },
              model_load: {
                ...ms,
                description: 'Only on the request that created the sessions (emotion model and detector) in this isolate.',
              },
              total: ms,
            },
            required: ['decode', 'preprocess', 'inference', 'total'],
            additionalProperties: false,
          },
        },
        required: [
          'emotion',
          'confidence',
          'uncertain',
          'scores',
          'box',
          'crop',
          'detection_score',
          'landmarks',
          'pose',
          'quality',
          'faces',
          'message',
          'source',
          'tta',
          'image',
          'damaged',
          'model',
          'timings',
        ],
        additionalProperties: false,
        // A face answers the face fields and no message; no face answers nulls and a message.
        if: { type: 'object', properties: { faces: { type: 'array', maxItems: 0 } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
        then: {
          type: 'object',
          properties: {
            emotion: { type: 'null' },
            confidence: { type: 'null' },
            uncertain: { type: 'null' },
            scores: { type: 'null' },
            box: { type: 'null' },
            crop: { type: 'null' },
            detection_score: { type: 'null' },
            landmarks: { type: 'null' },
            pose: { type: 'null' },
            quality: { type: 'null' },
            message: { type: 'string', minLength: 1 },
            source: { const: 'detection' },
          },
        },
        else: {
          type: 'object',
          properties: {
            emotion: { type: 'string' },
            confidence: { type: 'number' },
            scores: { type: 'object' },
            box: { type: 'object' },
            crop: { type: 'object' },
            quality: { type: 'object' },
            message: { type: 'null' },
          },
        },
      },
      Model: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          input_size: { type: 'integer', const: INPUT_SIZE },
          classes: { type: 'array', items: { type: 'string' }, const: [...CLASSES] },
          input: {
            type: 'object',
            properties: { size: { type: 'integer' }, channels: { type: 'integer' }, layout: { type: 'string' } },
            required: ['size', 'channels', 'layout'],
          },
          normalization: { type: 'object', properties: { mean: { type: 'number' }, std: { type: 'number' } }, required: ['mean', 'std'] },
          preprocessing: { type: 'array', items: { type: 'string' } },
          parameters: { type: ['integer', 'null'] },
          training: { type: ['object', 'null'] },
          validation: {
            type: ['object', 'null'],
            description: 'Validation results from the model card (FER2013 PublicTest).',
            properties: { dataset: { type: 'string' }, n: { type: 'integer' }, accuracy: { type: ['number', 'null'] } },
          },
          reference: { type: ['object', 'null'] },
          detector: {
            type: 'object',
            description: 'The face detector and how faces are cropped for the classifier.',
            properties: {
              name: { type: 'string' },
              variant: { type: 'string' },
              input_size: { type: 'integer', const: DETECTOR_INFO.input_size },
              input: { type: 'string' },
              score_threshold: { type: 'number', const: DETECTOR_INFO.score_threshold },
              iou_threshold: { type: 'number', const: DETECTOR_INFO.iou_threshold },
              alignment: {
                type: 'object',
                properties: {
                  eye_centre: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
                  eye_mouth: { type: 'number' },
                  size: { type: 'integer' },
                },
              },
              tile_above_side: { type: 'integer', const: DETECTOR_INFO.tile_above_side },
              crop: { type: 'string' },
              max_faces: {
                type: 'object',
                properties: {
                  default: { type: 'integer', const: LIMITS.defaultMaxFaces },
                  max: { type: 'integer', const: LIMITS.maxFaces },
                },
                required: ['default', 'max'],
              },
              license: { type: 'string' },
            },
            required: ['name', 'input_size', 'score_threshold', 'alignment', 'max_faces'],
          },
          quality: {
            type: 'object',
            description: "How each face's `quality` flags are decided (core/src/faces/quality.ts).",
            properties: {
              measured_on: { type: 'string' },
              thresholds: {
                type: 'object',
                properties: {
                  min_size_px: { type: 'number', const: QT.minSizePx },
                  min_sharpness: { type: 'number', const: QT.minSharpness },
                  min_brightness: { type: 'number', const: QT.minBrightness },
                  max_brightness: { type: 'number', const: QT.maxBrightness },
                },
                required: ['min_size_px', 'min_sharpness', 'min_brightness', 'max_brightness'],
                additionalProperties: false,
              },
            },
            required: ['measured_on', 'thresholds'],
          },
          limits: {
            type: 'object',
            properties: {
              max_body_bytes: { type: 'integer', const: LIMITS.maxBodyBytes },
              max_pixels: {
                type: 'integer',
                const: LIMITS.maxPixels,
                description: 'largest width x height of a baseline JPEG (decoded streamed)',
              },
              max_pixels_held: {
                type: 'integer',
                const: LIMITS.maxPixelsHeld,
                description: 'largest width x height of what is held whole: a progressive JPEG, a PNG',
              },
              max_side: { type: 'integer', const: LIMITS.maxSide },
              max_decode_memory_mb: { type: 'number', const: LIMITS.maxDecodeMemoryMB },
              max_jpeg_scans: { type: 'integer', const: LIMITS.maxJpegScans },
              max_faces: { type: 'integer', const: LIMITS.maxFaces },
              accepted_formats: { type: 'array', items: { type: 'string' } },
            },
            required: [
              'max_body_bytes',
              'max_pixels',
              'max_pixels_held',
              'max_side',
              'max_decode_memory_mb',
              'max_jpeg_scans',
              'max_faces',
              'accepted_formats',
            ],
          },
        },
        required: ['name', 'version', 'input_size', 'classes', 'input', 'normalization', 'validation', 'detector', 'quality', 'limits'],
      },
      Health: {
        type: 'object',
        properties: { status: { type: 'string', const: 'ok' }, runtime: { type: 'string' }, model_loaded: { type: 'boolean' } },
        required: ['status'],
      },
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string', enum: errorCodes }, message: { type: 'string', minLength: 1 } },
            required: ['code', 'message'],
            additionalProperties: false,
          },
        },
        required: ['error'],
        additionalProperties: false,
      },
    },
  },
};
