/** Describing a schema (zod/mini: the small build, registered metadata instead of classic zod's .meta()). */
import * as z from 'zod/mini';

/** A copy of `schema` with this description (and id, examples): /openapi.json shows them. */
export function meta<T extends z.ZodMiniType>(schema: T, m: z.core.GlobalMeta): T {
  return (schema.clone() as z.ZodMiniType).register(z.globalRegistry, m) as T;
}
