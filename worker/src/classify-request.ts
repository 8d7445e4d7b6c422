/**
 * A POST /classify read into what it asks for, before any model is involved (the fuzz suite runs
 * it in Node): the query's parameters, the body (raw or multipart, within the size limit), the
 * form's parameters, and the regions asked for.
 */
import { type Box, type ClassifyParams, classifyParams, parseClassifyFields, requestedBox, requestedBoxes } from '@emotion/core/api';
import { readUpload } from './upload.ts';

/** What a POST /classify asks for: the image's bytes, the regions asked for (if any), the parameters. */
export interface ClassifyRequest {
  bytes: Uint8Array;
  boxes: Box[] | undefined;
  params: ClassifyParams;
}

/**
 * Reads a POST /classify. The query's own parameters are checked before the body is read: a bad one
 * is the same 400 whatever the body is and however a form parser reads it. Then the body, the
 * form's parameters, and whether the two agree.
 */
export async function readClassifyRequest(req: Request): Promise<ClassifyRequest> {
  const query = new URL(req.url).searchParams;
  requestedBox(query.get('box') ?? undefined, undefined);
  requestedBoxes(query.get('boxes') ?? undefined, undefined);
  classifyParams(query, new Map());
  const upload = await readUpload(req);
  return { bytes: upload.bytes, ...parseClassifyFields(query, upload.fields) };
}
