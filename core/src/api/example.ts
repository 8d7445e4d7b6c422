/**
 * One POST /classify answer, as the API page and /openapi.json show it. Typed by the schema, so a
 * new field must appear here too; a test checks it against the schema.
 */
import type { ClassifyResponse, Face } from './response.ts';

const face: Face = {
  emotion: 'happy',
  confidence: 0.9124,
  uncertain: false,
  scores: { angry: 0.0121, disgust: 0.0009, fear: 0.0188, happy: 0.9124, neutral: 0.0302, sad: 0.0087, surprise: 0.0169 },
  box: { x: 212, y: 96, w: 198, h: 230 },
  crop: { x: 185, y: 85, w: 253, h: 253 },
  detection_score: 0.97,
  landmarks: {
    right_eye: { x: 262.4, y: 171.2 },
    left_eye: { x: 355.1, y: 169.8 },
    nose_tip: { x: 308.9, y: 222.5 },
    mouth: { x: 309.6, y: 268.3 },
    right_ear: { x: 224.7, y: 186 },
    left_ear: { x: 401.2, y: 182.9 },
  },
  pose: { roll: -0.9 },
  quality: {
    size: 253,
    sharpness: 1236.1,
    brightness: 131.2,
    contrast: 52.3,
    too_small: false,
    blurry: false,
    dark: false,
    overexposed: false,
  },
};

export const EXAMPLE_ANSWER: ClassifyResponse = {
  ...face,
  faces: [face],
  message: null,
  source: 'detection',
  tta: true,
  image: { width: 640, height: 480 },
  damaged: false,
  model: { name: 'ScratchCNN', version: '2026-11-26', input_size: 48 },
  timings: { decode: 18.2, detect: 21.4, preprocess: 0.4, inference: 9.1, total: 50.3 },
};
