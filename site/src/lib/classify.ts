/**
 * The upload page's view of POST /classify: what an answer means (one face, several faces, no
 * face) and what an error says to a person. Pure functions, shared by the page script and the
 * unit tests.
 */
import type { Box, Scores } from '@emotion/core/api';
import { CLASSES, type Emotion } from '@emotion/core/classes';

export interface FaceResult {
  /** In pixels of the image that was uploaded; null when the whole image was classified. */
  box: Box | null;
  emotion: Emotion;
  confidence: number;
  /** The API's abstention: the top score is too low to state the label (the page says "not sure"). */
  uncertain: boolean;
  scores: Scores;
  detectionScore: number | null;
  /** What the API's `quality` flags say is wrong with the face, e.g. ['small', 'blurry']; [] when none or absent. */
  qualityIssues: string[];
}

export interface ClassifyOutcome {
  faces: FaceResult[];
  /** Set when no face was found (`faces: []`). */
  message: string | null;
  model: string | null;
  /** Server-side time: the answer's `timings.total`, else the sum of its stages. */
  serverMs: number | null;
  /** The size of the image as the server decoded it: the pixel grid of the boxes. */
  image: { width: number; height: number } | null;
  /** The image's data was damaged and decoded around (the answer's `damaged`): parts of it, and the result, may be wrong. */
  damaged: boolean;
}

export interface ErrorView {
  title: string;
  detail: string;
  code: string | null;
}

// How far an upload is downscaled, and the arithmetic: the emotion-edge package's client does the same (its maxSide option).
export { drawFitted, fitWithin, MAX_UPLOAD_SIDE, UPLOAD_JPEG_QUALITY } from '../../../package/src/client/downscale.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isEmotion(v: unknown): v is Emotion {
  return typeof v === 'string' && (CLASSES as readonly string[]).includes(v);
}

export function readBox(v: unknown): Box | null {
  if (!isObject(v)) return null;
  const { x, y, w, h } = v;
  return isNum(x) && isNum(y) && isNum(w) && isNum(h) && w > 0 && h > 0 ? { x, y, w, h } : null;
}

function readScores(v: unknown): Scores | null {
  if (!isObject(v)) return null;
  const scores = {} as Scores;
  for (const c of CLASSES) {
    const s = v[c];
    if (!isNum(s)) return null;
    scores[c] = s;
  }
  return scores;
}

/** The API's quality flags, in the words the page shows ("face small / blurry / dark"). */
const QUALITY_WORDS = { too_small: 'small', blurry: 'blurry', dark: 'dark', overexposed: 'overexposed' } as const;

export function readQualityIssues(v: unknown): string[] {
  if (!isObject(v)) return [];
  return Object.entries(QUALITY_WORDS).flatMap(([flag, word]) => (v[flag] === true ? [word] : []));
}

/** A short warning for a face whose quality was flagged, or null. */
export function qualityWarning(issues: readonly string[]): string | null {
  return issues.length ? `Face ${issues.join(' / ')}: the result is less reliable.` : null;
}

function readFace(v: unknown): FaceResult | null {
  if (!isObject(v)) return null;
  const scores = readScores(v.scores);
  if (!scores) return null;
  // The top class follows from the scores; trust the answer's own label when it names one.
  const top = CLASSES.reduce((a, b) => (scores[b] > scores[a] ? b : a));
  const emotion = isEmotion(v.emotion) ? v.emotion : top;
  return {
    box: readBox(v.box),
    emotion,
    confidence: isNum(v.confidence) ? v.confidence : scores[emotion],
    uncertain: v.uncertain === true,
    scores,
    detectionScore: isNum(v.detection_score) ? v.detection_score : null,
    qualityIssues: readQualityIssues(v.quality),
  };
}

function modelLabel(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!isObject(v)) return null;
  const parts = [v.name, v.version].filter((p) => typeof p === 'string' || typeof p === 'number');
  return parts.length ? parts.join(' ') : null;
}

function serverTime(v: unknown): number | null {
  if (!isObject(v)) return null;
  if (isNum(v.total)) return v.total;
  const parts = Object.values(v).filter(isNum);
  return parts.length ? parts.reduce((a, b) => a + b, 0) : null;
}

/** Reads a 200 answer (its `faces`, largest first). Throws when it is not one the page can show. */
export function readOutcome(json: unknown): ClassifyOutcome {
  if (!isObject(json) || !Array.isArray(json.faces)) throw new Error('The server answered with something other than a result.');
  const image =
    isObject(json.image) && isNum(json.image.width) && isNum(json.image.height)
      ? { width: json.image.width, height: json.image.height }
      : null;
  const faces = json.faces.map((f) => {
    const face = readFace(f);
    if (!face) throw new Error('The server’s answer had no scores for the 7 expressions.');
    return face;
  });
  const message = faces.length
    ? null
    : typeof json.message === 'string' && json.message
      ? json.message
      : 'No face was found in this photo.';
  return { faces, message, model: modelLabel(json.model), serverMs: serverTime(json.timings), image, damaged: json.damaged === true };
}

/** A person-readable error for a non-2xx answer; the API's own message is kept as the detail. */
export function describeError(status: number, body: unknown): ErrorView {
  const err = isObject(body) && isObject(body.error) ? body.error : {};
  const code = typeof err.code === 'string' ? err.code : null;
  const apiMessage = typeof err.message === 'string' && err.message ? err.message : null;
  const view = (title: string, fallback: string): ErrorView => ({ title, detail: apiMessage ?? fallback, code });
  if (status === 415 || code === 'unsupported_media_type') return view('That file is not a supported image', 'Choose a JPEG or PNG photo.');
  if (status === 413 || code === 'too_large') return view('The image is too large', 'Try a smaller photo.');
  if (code === 'bad_box') return view('The face box is not valid', 'The box must lie inside the image.');
  if (status === 400) return view('The image could not be read', 'The file may be corrupt or truncated. Try another photo.');
  if (status === 429) return view('Too many requests', 'Wait a moment and try again.');
  if (status >= 500) return view('The server had a problem', `It answered ${status}. Try again in a moment.`);
  return view(`The request failed (${status})`, 'Try again, or choose another photo.');
}

export const NETWORK_ERROR: ErrorView = {
  title: 'Could not reach the server',
  detail: 'Check your connection and try again.',
  code: 'network',
};

export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A box moved from one pixel grid to another of the same picture at a different size. */
export function scaleBox(box: Box, sx: number, sy: number): Box {
  return { x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy };
}

/** True when the box is (almost) the whole image: nothing worth drawing. */
export function coversImage(box: Box, width: number, height: number): boolean {
  return box.x <= 1 && box.y <= 1 && box.w >= width - 2 && box.h >= height - 2;
}
