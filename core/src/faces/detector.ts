/**
 * The detector on any onnxruntime (onnxruntime-web in the worker, onnxruntime-node in Node): the
 * caller creates the InferenceSession its own way and hands it in with that runtime's Tensor class.
 */

import type { DecodeLimits } from '../decode.ts';
import { decodeRgba, type RgbaImage } from '../decode.ts';
import type { OrtSessionLike, OrtTensorClass } from '../ort.ts';
import type { GrayImage } from '../pixels.ts';
import { rgbaToGray } from '../pixels.ts';
import type { DetectionOptions, Face, RawDetections } from './decode.ts';
import { decodeDetections } from './decode.ts';
import type { DetectorInput } from './input.ts';
import { prepareDetectorInput } from './input.ts';
import { DETECTOR_BOXES, DETECTOR_INPUT, DETECTOR_SCORES, DETECTOR_SIZE } from './model.ts';

export type { OrtSessionLike, OrtTensorClass } from '../ort.ts';

export interface FaceDetector {
  /** Runs the model on a prepared input. */
  run(input: DetectorInput): Promise<RawDetections>;
  /** Every face in a decoded image, largest first. */
  detect(image: RgbaImage | GrayImage, options?: Partial<DetectionOptions>): Promise<Face[]>;
  /**
   * Decodes a JPEG/PNG (throws ImageError like decodeGray) and finds its faces. Answers the
   * classifier's grayscale image too, so the bytes are decoded once.
   */
  detectBytes(bytes: Uint8Array, options?: Partial<DetectionOptions>, limits?: DecodeLimits): Promise<{ gray: GrayImage; faces: Face[] }>;
}

export function faceDetector(session: OrtSessionLike, Tensor: OrtTensorClass): FaceDetector {
  const run = async (input: DetectorInput): Promise<RawDetections> => {
    const feeds = { [DETECTOR_INPUT]: new Tensor('float32', input.data, [1, 3, DETECTOR_SIZE, DETECTOR_SIZE]) };
    const out = await session.run(feeds);
    return { scores: out[DETECTOR_SCORES].data as Float32Array, boxes: out[DETECTOR_BOXES].data as Float32Array };
  };
  const detect = async (image: RgbaImage | GrayImage, options?: Partial<DetectionOptions>) => {
    const input = prepareDetectorInput(image);
    return decodeDetections(await run(input), input.transform, options);
  };
  return {
    run,
    detect,
    async detectBytes(bytes, options, limits) {
      const rgba = decodeRgba(bytes, limits);
      const faces = await detect(rgba, options);
      return { gray: rgbaToGray(rgba.data, rgba.width, rgba.height), faces };
    },
  };
}
