/**
 * A POST /classify read into what it asks for, before any model is involved (the fuzz suite runs
 * it in Node): the query's parameters, the body (raw or multipart, within the size limit), the
 * form's parameters, and the regions asked for.
 */
import type { AnalyzeOptions } from '@emotion/core';
import { analyzeOptions, readParams } from '@emotion/core/api';
import { readUpload } from './upload.ts';

/** What a POST /classify asks for: the image's bytes and what to do with it. */
export interface ClassifyRequest {
  bytes: Uint8Array;
  options: AnalyzeOptions;
}

/**
 * Reads a POST /classify. The query's own parameters are checked before the body is read: a bad one
 * is the same 400 whatever the body is and however a form parser reads it. Then the body, the
 * form's parameters, and whether the two agree (core's readParams: one rule for a parameter given twice).
 */
export async function readClassifyRequest(req: Request): Promise<ClassifyRequest> {
  const query = new URL(req.url).searchParams;
  readParams(query);
  const upload = await readUpload(req);
  return { bytes: upload.bytes, options: analyzeOptions(readParams(query, upload.fields)) };
}
