/** What face APIs return beside the box: BlazeFace's six keypoints, named, and the head's roll. */
import type { Point } from './decode.ts';

/** BlazeFace's keypoint order (the subject's right eye is on the image's left). */
export const LANDMARK_NAMES = ['right_eye', 'left_eye', 'nose_tip', 'mouth', 'right_ear', 'left_ear'] as const;
export type LandmarkName = (typeof LANDMARK_NAMES)[number];
export type Landmarks = Record<LandmarkName, Point>;

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The keypoints by name, in pixels of the upright image, to 0.1 px. */
export function namedLandmarks(keypoints: readonly Point[]): Landmarks {
  return Object.fromEntries(LANDMARK_NAMES.map((name, i) => [name, { x: round1(keypoints[i].x), y: round1(keypoints[i].y) }])) as Landmarks;
}

/**
 * Roll in degrees from the eyes: the angle of the line from the subject's right eye to the left
 * eye against the horizontal, positive when the face is turned clockwise in the image (the left
 * eye lower), as AWS Rekognition and Google Vision report roll. 0 for a level face.
 */
export function rollDegrees(keypoints: readonly Point[]): number {
  const [r, l] = keypoints;
  return Math.round(((Math.atan2(l.y - r.y, l.x - r.x) * 180) / Math.PI) * 10) / 10;
}
