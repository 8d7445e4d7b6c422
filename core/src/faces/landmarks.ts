/** What face APIs return beside the box: the detector's keypoints to 0.1 px, and the head's roll. */
import { KEYPOINT_NAMES, type Keypoints, type Point } from './detector.ts';

/** The answer's landmark names: the detector's keypoint names (./detector.ts). */
export const LANDMARK_NAMES = KEYPOINT_NAMES;
export type LandmarkName = (typeof LANDMARK_NAMES)[number];
export type Landmarks = Record<LandmarkName, Point>;

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The keypoints in pixels of the upright image, to 0.1 px. */
export function roundedLandmarks(keypoints: Keypoints): Landmarks {
  return Object.fromEntries(
    LANDMARK_NAMES.map((name) => [name, { x: round1(keypoints[name].x), y: round1(keypoints[name].y) }]),
  ) as Landmarks;
}

/**
 * Roll in degrees from the eyes: the angle of the line from the subject's right eye to the left
 * eye against the horizontal, positive when the face is turned clockwise in the image (the left
 * eye lower), as AWS Rekognition and Google Vision report roll. 0 for a level face.
 */
export function rollDegrees(keypoints: Pick<Keypoints, 'right_eye' | 'left_eye'>): number {
  const { right_eye: r, left_eye: l } = keypoints;
  return Math.round(((Math.atan2(l.y - r.y, l.x - r.x) * 180) / Math.PI) * 10) / 10;
}
