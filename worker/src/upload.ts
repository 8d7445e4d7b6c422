/**
 * Reads the uploaded image out of a /classify request: a multipart form (field `image`) or a raw
 * JPEG/PNG body. The body size is checked from Content-Length before reading, and again while
 * reading (a chunked body has no length), so no oversized body is ever buffered.
 */
import { ApiError, LIMITS, mib } from '@emotion/core/api';

export interface Upload {
  bytes: Uint8Array;
  /** The text fields of a multipart form (e.g. `box`), each as often as it was given. */
  fields: URLSearchParams;
}

const RAW_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'application/octet-stream']);
const ACCEPTED =
  'Send a JPEG or PNG image as multipart/form-data (field "image") or as the raw body with Content-Type image/jpeg or image/png.';

function tooLarge(size?: number): ApiError {
  const got = size === undefined ? 'The request body is' : `The request body (${mib(size)}) is`;
  return new ApiError('too_large', `${got} over the limit of ${mib(LIMITS.maxBodyBytes)} (${LIMITS.maxBodyBytes} bytes).`);
}

/** Reads at most `limit` bytes of the body; throws 413 as soon as it is exceeded. */
async function readBody(req: Request, limit = LIMITS.maxBodyBytes): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(Number(declared));
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await drain(reader, total);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('bad_request', 'The request body could not be read.');
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/**
 * Reads and discards the rest of an oversized body (no memory kept) up to a bound, then cancels.
 * Answering while the client is still sending breaks the connection in some proxies (wrangler dev's
 * among them), which then fail the next request on it.
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number): Promise<void> {
  try {
    while (seen < LIMITS.maxDrainBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; nothing to answer.
  }
}

function mediaType(req: Request): string {
  return (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** The image bytes and the form's other fields. Format sniffing happens later, on the bytes. */
export async function readUpload(req: Request): Promise<Upload> {
  const type = mediaType(req);
  if (type === 'multipart/form-data') return readMultipart(req);
  if (type !== '' && !RAW_TYPES.has(type)) {
    throw new ApiError('unsupported_media_type', `Content-Type ${type} is not accepted. ${ACCEPTED}`);
  }
  const bytes = await readBody(req);
  if (bytes.byteLength === 0) throw new ApiError('empty_body', `The request body is empty. ${ACCEPTED}`);
  return { bytes, fields: new URLSearchParams() };
}

async function readMultipart(req: Request): Promise<Upload> {
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { 'content-type': req.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw new ApiError('bad_request', 'The multipart/form-data body is malformed.');
  }
  const fields = new URLSearchParams();
  for (const [name, value] of form.entries()) if (typeof value === 'string') fields.append(name, value);
  const images = form.getAll('image') as (File | string)[];
  const file = images.find((v): v is File => typeof v !== 'string');
  if (images.length > 1) throw new ApiError('bad_request', 'Send one "image" field per request.');
  if (!file) {
    throw new ApiError('missing_image', `The form has no "image" file field. ${ACCEPTED}`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.byteLength === 0) throw new ApiError('empty_body', `The "image" field is empty. ${ACCEPTED}`);
  return { bytes, fields };
}
