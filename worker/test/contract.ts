/** Checks answers against the served OpenAPI document's schemas (ajv, JSON Schema 2020-12, strict). */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';

export interface Contract {
  /** Asserts that `body` matches components.schemas[schema]. */
  conforms(schema: string, body: unknown): void;
  /** Asserts that the status is documented for the operation and the JSON body matches its schema; answers the body. */
  documented(res: Response, path: string, method: string): Promise<any>;
}

export function contract(spec: any): Contract {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const defs = JSON.parse(JSON.stringify(spec.components.schemas).replaceAll('#/components/schemas/', 'api#/$defs/'));
  ajv.addSchema({ $id: 'api', $defs: defs });
  const conforms = (schema: string, body: unknown) => {
    const validate = ajv.getSchema(`api#/$defs/${schema}`);
    assert.ok(validate, `schema ${schema} exists`);
    assert.ok(validate(body), `${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`);
  };
  return {
    conforms,
    async documented(res, path, method) {
      const op = spec.paths[path]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${path} is documented`);
      const doc = op.responses[String(res.status)];
      assert.ok(doc, `${method} ${path} documents status ${res.status}`);
      const body = await res.json();
      const ref: string | undefined = doc.content?.['application/json']?.schema?.$ref;
      if (ref) conforms(ref.split('/').pop()!, body);
      return body;
    },
  };
}
