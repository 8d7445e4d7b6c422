/**
 * Parsing the parameters of POST /classify, from the query string or a form field, by the
 * contract's names, defaults and ranges (./params.ts). The worker parses its requests with it,
 * and the emotion-edge package its callers' options (so both answer a bad
 * value with the same 400). Bad values are a 400, never ignored.
 */
import { ApiError } from './errors.ts';
import { CLASSIFY_PARAMS, type ClassifyParams, type FlagParam, type NumberParam } from './params.ts';

/** The one value of a parameter; given in the query and in the form, they must agree. */
function oneValue(name: string, query: URLSearchParams, form: ReadonlyMap<string, string>): string | undefined {
  const all = query.getAll(name);
  const q = all[0];
  const f = form.get(name);
  const differ = all.some((v) => v.trim() !== q.trim()) || (q !== undefined && f !== undefined && q.trim() !== f.trim());
  if (differ) throw new ApiError('bad_parameter', `${name} was given more than once with different values.`);
  return (q ?? f)?.trim();
}

const show = (v: string) => JSON.stringify(v.slice(0, 40));

/** A true/false parameter (true, false, 1 or 0); absent means its default. */
export function parseFlag(name: string, text: string | undefined, fallback = true): boolean {
  if (text === undefined) return fallback;
  const v = text.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('bad_parameter', `${name} must be true or false (got ${show(text)}).`);
}

export function parseMaxFaces(text: string | undefined): number {
  const { name, min, max } = CLASSIFY_PARAMS.maxFaces;
  if (text === undefined) return CLASSIFY_PARAMS.maxFaces.default;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    throw new ApiError('bad_parameter', `${name} must be a whole number from ${min} to ${max} (got ${show(text)}).`);
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

export function classifyParams(query: URLSearchParams, form: ReadonlyMap<string, string>): ClassifyParams {
  const flag = ({ name, default: fallback }: FlagParam) => parseFlag(name, oneValue(name, query, form), fallback);
  const number = ({ name, min, max, default: fallback }: NumberParam) => parseNumber(name, oneValue(name, query, form), min, max, fallback);
  const p = CLASSIFY_PARAMS;
  return {
    detect: flag(p.detect),
    maxFaces: parseMaxFaces(oneValue(p.maxFaces.name, query, form)),
    tta: flag(p.tta),
    minDetectionScore: number(p.minDetectionScore),
    minFaceSize: number(p.minFaceSize),
  };
}
