/**
 * The parameters of POST /classify, from the query string or a form field: `detect` (true/false),
 * `max_faces` (1 to LIMITS.maxFaces), `tta` (true/false), `min_detection_score` (0-1) and
 * `min_face_size` (pixels). Bad values are a 400, never ignored.
 */
import { ApiError } from './errors.ts';
import { DEFAULT_DETECTION_OPTIONS } from '@emotion/core/faces';
import { LIMITS } from './limits.ts';

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

/** The one value of a parameter; given in the query and in the form, they must agree. */
function oneValue(name: string, query: URLSearchParams, form: Map<string, string>): string | undefined {
  const all = query.getAll(name);
  const q = all[0];
  const f = form.get(name);
  const differ = all.some((v) => v.trim() !== q.trim()) || (q !== undefined && f !== undefined && q.trim() !== f.trim());
  if (differ) throw new ApiError('bad_parameter', `${name} was given more than once with different values.`);
  return (q ?? f)?.trim();
}

const show = (v: string) => JSON.stringify(v.slice(0, 40));

/** A true/false parameter (true, false, 1 or 0); absent means true. */
export function parseFlag(name: string, text: string | undefined): boolean {
  if (text === undefined) return true;
  const v = text.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('bad_parameter', `${name} must be true or false (got ${show(text)}).`);
}

export function parseMaxFaces(text: string | undefined): number {
  if (text === undefined) return LIMITS.defaultMaxFaces;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= LIMITS.maxFaces)) {
    throw new ApiError('bad_parameter', `max_faces must be a whole number from 1 to ${LIMITS.maxFaces} (got ${show(text)}).`);
  }
  return n;
}

/** A number parameter within [min, max] (plain decimal notation); absent means `fallback`. */
export function parseNumber(name: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = /^\d{1,6}(\.\d{1,6})?$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new ApiError('bad_parameter', `${name} must be a number from ${min} to ${max} (got ${show(text)}).`);
  return n;
}

export function classifyParams(query: URLSearchParams, form: Map<string, string>): ClassifyParams {
  return {
    detect: parseFlag('detect', oneValue('detect', query, form)),
    maxFaces: parseMaxFaces(oneValue('max_faces', query, form)),
    tta: parseFlag('tta', oneValue('tta', query, form)),
    minDetectionScore: parseNumber('min_detection_score', oneValue('min_detection_score', query, form), 0, 1, DEFAULT_DETECTION_OPTIONS.scoreThreshold),
    minFaceSize: parseNumber('min_face_size', oneValue('min_face_size', query, form), 0, LIMITS.maxSide, 0),
  };
}
