/**
 * The schemas (./params.ts, ./response.ts) as OpenAPI 3.1 pieces: the query parameters, the
 * multipart form (the same parameters as fields, with the file), and the answers' components. The
 * worker's /openapi.json is assembled from these (worker/src/openapi.ts).
 */
import * as z from 'zod/mini';
import type { ParamName } from './params.ts';
import { errorCodeOf, paramDocs } from './parse-request.ts';
// The answers' schemas register their ids (meta.ts) when this module loads them.
import './model-info.ts';
import './response.ts';

const SCHEMAS = '#/components/schemas/';

/** Every schema with an id (Box, Face, Classification, Error, Model, ...) as components.schemas, referring to each other. */
export function responseComponents(): Record<string, object> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', uri: (id) => `${SCHEMAS}${id}` });
  // Each schema as a component: without the $id and $schema a standalone JSON Schema carries.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _, $schema: __, ...schema }]) => [id, schema]));
}

const ONCE =
  ' Given more than once (in the query twice, or in the query and the form), the values must mean the same (`tta=false` and `tta=0` do); different ones are a 400 `conflicting_parameter`.';

/** POST /classify's query parameters, one per schema field. */
export function queryParameters(): object[] {
  return Object.entries(paramDocs()).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: false,
    description: `${description}${ONCE}`,
    schema,
    'x-error-code': errorCodeOf(name as ParamName),
  }));
}

/** The multipart form: `image` and the very same parameters as fields (a number field's text is the number). */
export function formSchema(): object {
  return {
    type: 'object',
    properties: { image: { type: 'string', format: 'binary', description: 'The JPEG or PNG file.' }, ...paramDocs() },
    required: ['image'],
    not: { required: ['box', 'boxes'], description: 'Not box and boxes together.' },
  };
}
