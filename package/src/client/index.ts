/**
 * emotion-edge/client: the API client alone (no onnxruntime), for any runtime with fetch.
 *
 *   import { createClient } from 'emotion-edge/client';
 *   const api = createClient({ baseUrl: 'https://emotion-edge.example.workers.dev', apiKey });
 *   const answer = await api.classify(jpegBytes, { max_faces: 5 });
 */
export type { Box, ClassifyResponse, ErrorCode, Face, Scores } from '@emotion/core/api';
export { EmotionEdgeError, type EmotionEdgeErrorCode } from '../errors.ts';
export type { ClassifyOptions } from '../options.ts';
export { isClassifyResponse } from './answer.ts';
export { type AttemptInfo, type Client, type ClientImage, type ClientOptions, createClient, type RequestOptions } from './client.ts';
export { type Downscaled, downscaleForUpload, fitWithin, MAX_UPLOAD_SIDE, UPLOAD_JPEG_QUALITY } from './downscale.ts';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
