/**
 * Reading the server's answer: a 200 must be a /classify answer, an error must be the API's
 * `{"error": {"code", "message"}}`; anything else is `bad_response`, never guessed at.
 */
import { ERROR_STATUS, type ErrorCode } from '@emotion/core/api/errors';
import type { ClassifyResponse } from '@emotion/core/api/response';
import { CLASSES } from '@emotion/core/classes';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isFace(v: unknown): boolean {
  if (!isObject(v) || !isObject(v.box) || !isObject(v.scores) || typeof v.emotion !== 'string' || !isNum(v.confidence)) return false;
  const scores = v.scores;
  return CLASSES.every((c) => isNum(scores[c])) && (CLASSES as readonly string[]).includes(v.emotion);
}

/** True for what POST /classify answers with 200 (the fields the client's callers read). */
export function isClassifyResponse(v: unknown): v is ClassifyResponse {
  return (
    isObject(v) &&
    Array.isArray(v.faces) &&
    v.faces.every(isFace) &&
    typeof v.source === 'string' &&
    typeof v.tta === 'boolean' &&
    isObject(v.image) &&
    isObject(v.model) &&
    isObject(v.timings)
  );
}

/** The API's error body's code and message, when the body is one. */
export function readErrorBody(v: unknown): { code: ErrorCode; message: string } | null {
  if (!isObject(v) || !isObject(v.error)) return null;
  const { code, message } = v.error;
  return typeof code === 'string' && code in ERROR_STATUS && typeof message === 'string' ? { code: code as ErrorCode, message } : null;
}
