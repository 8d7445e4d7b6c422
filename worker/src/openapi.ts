/**
 * The OpenAPI 3.1 document of the API. POST /classify's parameters, form and answers and GET /model's
 * answer come from their schemas (@emotion/core/api params.ts, response.ts; ./model-schema.ts); a
 * test checks real responses against it.
 */
import { EXAMPLE_ANSWER, formSchema, LIMITS, mib, queryParameters, RATE_LIMITS, ROUTES, responseComponents } from '@emotion/core/api';
import { DETECTOR_INFO } from './faces.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const rates =
  `Rate limits per client: ${RATE_LIMITS.anonymous} requests per ${RATE_LIMITS.periodSeconds} s without a key (counted by client address; an IPv6 address by its /64), ` +
  `${RATE_LIMITS.keyed} per ${RATE_LIMITS.periodSeconds} s with an API key (counted by key), as deployed; over the limit the answer is 429 with Retry-After.`;

export const openapi = {
  openapi: '3.1.0',
  info: {
    title: 'emotion-edge API',
    version: '1.0.0',
    description:
      'Facial-expression classification at the edge: BlazeFace finds the faces, ScratchCNN (FER2013, 48x48 grayscale) classifies each, both on onnxruntime-web in Cloudflare Workers. ' +
      'Images are decoded in the Worker shrink-on-load (a JPEG straight to the scale each step needs, in the DCT domain; PNG rows streamed) and never stored or logged. ' +
      `Limits: body ${mib(LIMITS.maxBodyBytes)}, ${LIMITS.maxSide} pixels on the longest side, ${LIMITS.maxPixelsHeld} pixels for a progressive JPEG or a PNG, ${mib(LIMITS.maxDecodeBytes)} of decoder memory.`,
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
          `decoding at most ${LIMITS.maxDecodeBytes} bytes by the decoder's accounting, at most ${LIMITS.maxJpegScans} JPEG scans; over any of them the answer is 413. ` +
          'An API key (`Authorization: Bearer <key>`) is optional unless the deployment sets REQUIRE_API_KEY; a wrong or malformed one is a 401 either way. ' +
          rates,
        security: [{}, { bearerAuth: [] }],
        parameters: queryParameters(),
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: formSchema() },
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
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Classification' }, example: EXAMPLE_ANSWER } },
          },
          '400': errorResponse(
            'Corrupt or truncated image, empty body, a form without `image`, malformed multipart, a bad `box` or `boxes` entry (`bad_box`), a bad `detect` / `max_faces` / `tta` / `min_detection_score` / `min_face_size` (`bad_parameter`), or a parameter given twice with different values (`conflicting_parameter`).',
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
      ...responseComponents(),
    },
  },
};
