/**
 * The request parameters of POST /classify, from the query string or a form field, with their
 * defaults and ranges: the worker parses by these, /openapi.json and the API page publish them.
 */
import { DEFAULT_DETECTION_OPTIONS } from '../faces/find.ts';
import { LIMITS } from './limits.ts';

/** What a true/false parameter accepts. */
export const FLAG_VALUES = ['true', 'false', '1', '0'] as const;

export interface FlagParam {
  readonly name: string;
  readonly default: boolean;
}

export interface NumberParam {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /** A whole number (max_faces), else plain decimal notation. */
  readonly integer: boolean;
}

/** `box=x,y,w,h` (pixels of the EXIF-oriented image) and `boxes=x,y,w,h;x,y,w,h;...`. */
export const BOX_PARAMS = {
  box: { name: 'box' },
  boxes: { name: 'boxes', maxEntries: LIMITS.maxFaces },
} as const;

/** The same box syntax as a JSON-schema pattern (the worker's parser accepts exactly this). */
export const BOX_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(,\\s*\\d+(\\.\\d+)?\\s*){3}$';

/** The parsed parameters (`box` and `boxes` apart). */
export interface ClassifyParams {
  /** Find faces (the default); false classifies the whole image. A `box` overrides both. */
  detect: boolean;
  /** At most this many faces, the largest, are classified. */
  maxFaces: number;
  /** Average each crop's scores with its mirror image's (the default): better accuracy for a second, batched model row. */
  tta: boolean;
  /** Detected faces scoring below this are dropped (default: the detector's threshold). */
  minDetectionScore: number;
  /** Detected faces smaller than this on the box's longer side, in pixels, are dropped (default 0: none). */
  minFaceSize: number;
}

/** Each parameter's wire name, default and range. */
export const CLASSIFY_PARAMS = {
  detect: { name: 'detect', default: true },
  maxFaces: { name: 'max_faces', min: 1, max: LIMITS.maxFaces, default: LIMITS.defaultMaxFaces, integer: true },
  tta: { name: 'tta', default: true },
  minDetectionScore: { name: 'min_detection_score', min: 0, max: 1, default: DEFAULT_DETECTION_OPTIONS.scoreThreshold, integer: false },
  minFaceSize: { name: 'min_face_size', min: 0, max: LIMITS.maxSide, default: 0, integer: false },
} as const satisfies { [K in keyof ClassifyParams]: ClassifyParams[K] extends boolean ? FlagParam : NumberParam };

/** What a request that sets nothing gets. */
export const DEFAULT_CLASSIFY_PARAMS: ClassifyParams = {
  detect: CLASSIFY_PARAMS.detect.default,
  maxFaces: CLASSIFY_PARAMS.maxFaces.default,
  tta: CLASSIFY_PARAMS.tta.default,
  minDetectionScore: CLASSIFY_PARAMS.minDetectionScore.default,
  minFaceSize: CLASSIFY_PARAMS.minFaceSize.default,
};
