/**
 * What the measurements here run: the detector on an image already decoded whole (one letterboxed
 * run, no tiles, no shrink-on-load), and BlazeFace's raw outputs decoded to faces. The served path,
 * with both, is core's findFaces (analyzeImage).
 */
import { type DecodeLimits, decodeRgba } from '@emotion/core/decode';
import {
  blazeFaceCandidates,
  DEFAULT_DETECTION_OPTIONS,
  type DetectedFace,
  type DetectionOptions,
  type DetectorTransform,
  type FaceDetector,
  facesFromCandidates,
  type RawDetections,
} from '@emotion/core/faces';
import { type GrayImage, rgbaToGray } from '@emotion/core/pixels';

/** Every face of a decoded image (RGBA, or gray repeated into the three channels), largest first. */
export async function facesIn(detector: FaceDetector, image: GrayImage, options: Partial<DetectionOptions> = {}): Promise<DetectedFace[]> {
  const opts = { ...DEFAULT_DETECTION_OPTIONS, ...options };
  const candidates = await detector.detect({ ...image, x0: 0, y0: 0, step: 1 }, { minScore: opts.scoreThreshold });
  return facesFromCandidates(candidates, image, opts);
}

/** A JPEG or PNG decoded whole: its faces, and the gray image the classifier reads. */
export async function facesInBytes(
  detector: FaceDetector,
  bytes: Uint8Array,
  options: Partial<DetectionOptions> = {},
  limits?: DecodeLimits,
): Promise<{ gray: GrayImage; faces: DetectedFace[] }> {
  const rgba = decodeRgba(bytes, limits);
  return { gray: rgbaToGray(rgba.data, rgba.width, rgba.height), faces: await facesIn(detector, rgba, options) };
}

/** BlazeFace's raw outputs -> faces in image pixels (t: the letterbox's map back to the image). */
export function facesOfOutputs(raw: RawDetections, t: DetectorTransform, options: Partial<DetectionOptions> = {}): DetectedFace[] {
  const opts = { ...DEFAULT_DETECTION_OPTIONS, ...options };
  return facesFromCandidates(blazeFaceCandidates(raw, t, opts.scoreThreshold), t, opts);
}
