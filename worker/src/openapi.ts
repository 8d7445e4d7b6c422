/** The OpenAPI 3.1 document of the API; a test checks real responses against its schemas. */
import { CLASSES, INPUT_SIZE } from '@emotion/core';
import { ERROR_STATUS } from './errors.ts';
import { LIMITS, mib } from './limits.ts';

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
  properties: { x: { type: 'number', minimum: 0 }, y: { type: 'number', minimum: 0 }, w: { type: 'number', minimum: 1 }, h: { type: 'number', minimum: 1 } },
  required: ['x', 'y', 'w', 'h'],
  additionalProperties: false,
};

const errorCodes = Object.keys(ERROR_STATUS);

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const boxParam = 'Optional region "x,y,w,h" (non-negative numbers, pixels of the EXIF-oriented image) to classify instead of the whole image.';

export const openapi = {
  openapi: '3.1.0',
  info: {
    title: 'emotion-edge API',
    version: '1.0.0',
    description:
      'Facial-expression classification at the edge: ScratchCNN (FER2013, 48x48 grayscale) on onnxruntime-web in Cloudflare Workers. ' +
      `Images are decoded in the Worker with jpeg-js / upng-js and never stored or logged. Limits: body ${mib(LIMITS.maxBodyBytes)}, ` +
      `${LIMITS.maxPixels} pixels, ${LIMITS.maxDecodeMemoryMB} MB of decoder memory.`,
  },
  paths: {
    '/classify': {
      post: {
        operationId: 'classify',
        summary: 'Classify the facial expression in a JPEG or PNG image.',
        description:
          'Send the image as multipart/form-data (field `image`, optional field `box`) or as the raw body with Content-Type image/jpeg or image/png. ' +
          'The format is sniffed from the bytes. Without `box` the whole image is classified. ' +
          `Limits: body at most ${LIMITS.maxBodyBytes} bytes, image at most ${LIMITS.maxPixels} pixels (width x height), ` +
          `decoding at most ${LIMITS.maxDecodeMemoryMB} MB by the decoders' accounting; over any of them the answer is 413.`,
        parameters: [{ name: 'box', in: 'query', required: false, description: boxParam, schema: { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(,\\s*\\d+(\\.\\d+)?\\s*){3}$', examples: ['10,10,100,100'] } }],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { image: { type: 'string', format: 'binary', description: 'JPEG or PNG file' }, box: { type: 'string', description: boxParam } },
                required: ['image'],
              },
            },
            'image/jpeg': { schema: { type: 'string', format: 'binary' } },
            'image/png': { schema: { type: 'string', format: 'binary' } },
            'application/octet-stream': { schema: { type: 'string', format: 'binary', description: 'JPEG or PNG bytes (the format is sniffed)' } },
          },
        },
        responses: {
          '200': { description: 'The classification.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Classification' } } } },
          '400': errorResponse('Corrupt or truncated image, empty body, a form without `image`, malformed multipart, or a bad `box`.'),
          '413': errorResponse('Body, pixel count or decoding memory over the limits (the message names the limit).'),
          '415': errorResponse('Not a JPEG or PNG (sniffed from the bytes), or an unaccepted Content-Type.'),
          '500': errorResponse('A fault of the server (never caused by the input).'),
        },
      },
      options: { operationId: 'classifyPreflight', summary: 'CORS preflight.', responses: { '204': { description: 'Preflight answer.' } } },
    },
    '/model': {
      get: {
        operationId: 'model',
        summary: 'The model: classes, input, normalization, version, limits and validation results.',
        responses: { '200': { description: 'Model information.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Model' } } } } },
      },
    },
    '/healthz': {
      get: {
        operationId: 'healthz',
        summary: 'Liveness: answers without loading the model.',
        responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } } },
      },
    },
    '/openapi.json': {
      get: { operationId: 'openapi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
  },
  components: {
    schemas: {
      Scores: scores,
      Box: box,
      ModelId: {
        type: 'object',
        properties: { name: { type: 'string' }, version: { type: 'string' }, input_size: { type: 'integer', const: INPUT_SIZE } },
        required: ['name', 'version', 'input_size'],
      },
      Classification: {
        type: 'object',
        properties: {
          emotion: { type: 'string', enum: [...CLASSES] },
          confidence: { ...prob, description: 'The top class\'s score.' },
          scores: { $ref: '#/components/schemas/Scores' },
          box: { $ref: '#/components/schemas/Box' },
          image: {
            type: 'object',
            description: 'Size of the EXIF-oriented image.',
            properties: { width: { type: 'integer', minimum: 1 }, height: { type: 'integer', minimum: 1 } },
            required: ['width', 'height'],
          },
          model: { $ref: '#/components/schemas/ModelId' },
          timings: {
            type: 'object',
            description:
              'Server time per stage in ms. On Cloudflare\'s edge the clock only advances on I/O, so stages without I/O may read 0 there; local workerd reports real time.',
            properties: { decode: ms, preprocess: ms, inference: ms, model_load: { ...ms, description: 'Only on the request that loaded the model into this isolate.' }, total: ms },
            required: ['decode', 'preprocess', 'inference', 'total'],
          },
        },
        required: ['emotion', 'confidence', 'scores', 'box', 'image', 'model', 'timings'],
      },
      Model: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          input_size: { type: 'integer', const: INPUT_SIZE },
          classes: { type: 'array', items: { type: 'string' }, const: [...CLASSES] },
          input: { type: 'object', properties: { size: { type: 'integer' }, channels: { type: 'integer' }, layout: { type: 'string' } }, required: ['size', 'channels', 'layout'] },
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
          limits: {
            type: 'object',
            properties: {
              max_body_bytes: { type: 'integer', const: LIMITS.maxBodyBytes },
              max_pixels: { type: 'integer', const: LIMITS.maxPixels },
              max_decode_memory_mb: { type: 'number', const: LIMITS.maxDecodeMemoryMB },
              accepted_formats: { type: 'array', items: { type: 'string' } },
            },
            required: ['max_body_bytes', 'max_pixels', 'max_decode_memory_mb', 'accepted_formats'],
          },
        },
        required: ['name', 'version', 'input_size', 'classes', 'input', 'normalization', 'validation', 'limits'],
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
