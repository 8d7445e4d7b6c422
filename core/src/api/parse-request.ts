/**
 * Reading what a POST /classify asks for from its query string and form fields, by the schema
 * (./params.ts), as /openapi.json documents it: a number parameter's text is any JSON or
 * JavaScript number (`0.5`, `1e-05`, `String(1/3)`), a flag's exactly one of its values. A
 * parameter given more than once (twice in the query, or in the query and the form) must mean the
 * same after reading (`tta=false` and `tta=0` do); different values are a 400
 * `conflicting_parameter`. The worker reads its requests with it, the emotion-edge package its
 * callers' options, so both answer a bad value with the same 400.
 */
import * as z from 'zod/mini';
import type { AnalyzeOptions } from '../analyze.ts';
import { ApiError, type ErrorCode } from './errors.ts';
import { LIMITS } from './limits.ts';
import {
  BOX_MAX_LENGTH,
  BOX_PATTERN,
  type ClassifyParams,
  ClassifyParamsSchema,
  DEFAULT_PARAMS,
  FLAG_VALUES,
  PARAM_NAMES,
  type ParamName,
} from './params.ts';
import { boxesProblem, boxProblem } from './parse-box.ts';

/** JSON's number syntax, loosened as JavaScript's Number() reads decimals: leading zeros, `5.`, `.5`. */
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type ParamDoc = { type?: string; enum?: string[]; minimum?: number; maximum?: number };
let docs: Record<string, ParamDoc> | undefined;
/** Each parameter's JSON schema, as /openapi.json publishes it. */
export function paramDocs(): Record<ParamName, ParamDoc & Record<string, unknown>> {
  docs ??= z.toJSONSchema(ClassifyParamsSchema, { io: 'input', target: 'draft-2020-12' }).properties as Record<string, ParamDoc>;
  return docs as Record<ParamName, ParamDoc & Record<string, unknown>>;
}

/** The wire text as the schema's input: a number parameter's text as the number it spells. */
function wireValue(name: ParamName, text: string): unknown {
  const type = paramDocs()[name].type;
  return (type === 'number' || type === 'integer') && NUMBER_TEXT.test(text) ? Number(text) : text;
}

const show = (text: string) => JSON.stringify(text.slice(0, 40));

/** The code a value outside a parameter's schema gets (/openapi.json gives it as `x-error-code`). */
export const errorCodeOf = (name: ParamName): ErrorCode => (name === 'box' || name === 'boxes' ? 'bad_box' : 'bad_parameter');

/** What is wrong with a refused value, worded from the parameter's own schema. */
function problem(name: ParamName, text: string): ApiError {
  if (name === 'box') return new ApiError(errorCodeOf(name), boxProblem(text, BOX_MAX_LENGTH));
  if (name === 'boxes')
    return new ApiError(errorCodeOf(name), boxesProblem(text, LIMITS.maxFaces, new RegExp(BOX_PATTERN), BOX_MAX_LENGTH));
  const doc = paramDocs()[name];
  const range = `from ${doc.minimum} to ${doc.maximum}`;
  const expected =
    doc.enum !== undefined ? `one of ${FLAG_VALUES.join(', ')}` : doc.type === 'integer' ? `a whole number ${range}` : `a number ${range}`;
  return new ApiError(errorCodeOf(name), `${name} must be ${expected} (got ${show(text)}).`);
}

/** One parameter's value from one text; throws the documented 400. */
function readOne<N extends ParamName>(name: N, text: string): ClassifyParams[N] {
  const field = ClassifyParamsSchema.shape[name];
  const r = field.safeParse(wireValue(name, text));
  if (!r.success) throw problem(name, text);
  return r.data as ClassifyParams[N];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The parameters of a request: each read from every text it was given (the query's, then the
 * form's); given more than once, the readings must agree. Throws ApiError.
 */
export function readParams(query: URLSearchParams, form: URLSearchParams = new URLSearchParams()): ClassifyParams {
  const given: Partial<Record<ParamName, unknown>> = {};
  for (const name of PARAM_NAMES) {
    const texts = [...query.getAll(name), ...form.getAll(name)];
    const values = texts.map((t) => readOne(name, t));
    const differ = values.findIndex((v) => !same(v, values[0]));
    if (differ > 0) {
      throw new ApiError(
        'conflicting_parameter',
        `${name} was given more than once with different values (${show(texts[0])} and ${show(texts[differ])}).`,
      );
    }
    if (values.length) given[name] = values[0];
  }
  if (given.box && given.boxes) throw new ApiError('bad_box', 'Send box or boxes, not both.');
  return { ...DEFAULT_PARAMS, ...given } as ClassifyParams;
}

/** What core's analyzeImage is asked for by these parameters. */
export function analyzeOptions(p: ClassifyParams): AnalyzeOptions {
  return {
    boxes: p.boxes ?? (p.box ? [p.box] : undefined),
    detect: p.detect,
    maxFaces: p.max_faces,
    minDetectionScore: p.min_detection_score,
    minFaceSize: p.min_face_size,
    tta: p.tta,
  };
}

/** What a request that sets nothing asks analyzeImage for. */
export const DEFAULT_CLASSIFY_PARAMS: AnalyzeOptions = analyzeOptions(DEFAULT_PARAMS);
