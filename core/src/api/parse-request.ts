/**
 * What a POST /classify asks for, from its query string and form fields: the parameters and the
 * regions. The worker reads its requests with it, the emotion-edge package its callers' options.
 */
import { ApiError } from './errors.ts';
import type { ClassifyParams } from './params.ts';
import { requestedBox, requestedBoxes } from './parse-box.ts';
import { classifyParams } from './parse-params.ts';
import type { Box } from './response.ts';

export interface ClassifyAsk {
  /** The regions asked for (`box` or `boxes`); undefined: detection, or the whole image. */
  boxes: Box[] | undefined;
  params: ClassifyParams;
}

/** Parses and checks the query's and the form's fields (given in both, they must agree); throws ApiError. */
export function parseClassifyFields(query: URLSearchParams, form: ReadonlyMap<string, string> = new Map()): ClassifyAsk {
  const box = requestedBox(query.get('box') ?? undefined, form.get('box'));
  const boxes = requestedBoxes(query.get('boxes') ?? undefined, form.get('boxes'));
  if (box && boxes) throw new ApiError('bad_box', 'Send box or boxes, not both.');
  return { boxes: boxes ?? (box ? [box] : undefined), params: classifyParams(query, form) };
}
