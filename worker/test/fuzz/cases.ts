/**
 * A fuzz case is one whole /classify request: image bytes (a seed, a mutated seed, a bomb or
 * something else) wrapped as a raw body or a multipart form (valid, nested, missing or doubled
 * fields, broken boundaries), with a Content-Type (right, wrong, missing) and maybe a `box` in the
 * query or the form. Case `i` of seed `s` is the same on every run and machine (given the corpus).
 */
import { type Bytes, concat } from '../images.ts';
import { bombs, mutate } from './mutate.ts';
import { caseRng, type Rng } from './rng.ts';
import { corpus, type Seed } from './seeds.ts';

export interface FuzzCase {
  /** `seed:index`, enough to make it again (`npm run fuzz -w worker -- --seed S --only I`). */
  id: string;
  /** Where the image bytes came from: seed name and mutations, or the bomb. */
  image: string;
  /** How they were sent. */
  wrap: string;
  body: Bytes;
  /** The Content-Type header; undefined sends none. */
  contentType?: string;
  /** Path and query, e.g. `/classify?box=1,2,3,4`. */
  path: string;
}

const enc = new TextEncoder();

function pickImage(r: Rng, seeds: Seed[]): { bytes: Bytes; image: string; format: string } {
  const light = seeds.filter((s) => !s.heavy);
  const kind = r.weighted([
    [75, 'mutated'],
    [11, 'seed'],
    [13, 'bomb'],
    [1, 'heavy'],
  ] as const);
  if (kind === 'bomb') {
    const [name, make] = r.pick(Object.entries(bombs));
    const bytes = make(r, seeds);
    return { bytes, image: `bomb:${name}`, format: bytes[0] === 0x89 ? 'png' : 'jpeg' };
  }
  // "heavy": the 1x100000-style seeds and real photos, mutated or not, a small share for speed.
  const pool = kind === 'heavy' ? seeds.filter((s) => s.heavy) : light;
  const seed = r.pick(pool.length ? pool : light);
  if (kind === 'seed' || (kind === 'heavy' && r.chance(0.5))) return { bytes: seed.bytes, image: seed.name, format: seed.format };
  const m = mutate(seed, r, light);
  return { bytes: m.bytes, image: `${seed.name}+${m.ops.join('+') || 'none'}`, format: seed.format };
}

function randomBox(r: Rng): string {
  const n = () => String(r.pick([0, 1, 2, 5, 10, 16, 47, 48, 100, 1000, r.int(64), r.int(100_000)]));
  return r.weighted([
    [6, () => `${n()},${n()},${n()},${n()}`],
    [2, () => `${r.int(8)}.5, ${r.int(8)} ,${r.range(1, 9)}.25,${r.range(1, 9)}`],
    [1, () => `-1,0,${n()},${n()}`],
    [1, () => `1e3,0,1,1`],
    [1, () => `NaN,1,1,1`],
    [1, () => `1,2,3`],
    [1, () => `1,2,3,4,5`],
    [1, () => ''],
    [1, () => '9'.repeat(r.pick([20, 99, 101, 400])) + ',0,1,1'],
    [1, () => ' '.repeat(r.int(200)) + '1,1,1,1'],
    [1, () => '\u0661,\u0662,\u0663,\u0664'],
    [1, () => String.fromCharCode(...r.bytes(r.range(1, 30)))],
  ] as const)();
}

interface FormPart {
  headers: string[];
  body: Uint8Array;
}

function filePart(name: string, bytes: Uint8Array, type: string | null, filename: string | null = 'upload.jpg'): FormPart {
  const disp = `Content-Disposition: form-data; name="${name}"${filename === null ? '' : `; filename="${filename}"`}`;
  return { headers: type ? [disp, `Content-Type: ${type}`] : [disp], body: bytes };
}

function fieldPart(name: string, value: string): FormPart {
  return { headers: [`Content-Disposition: form-data; name="${name}"`], body: enc.encode(value) };
}

function encodeForm(parts: FormPart[], boundary: string, eol = '\r\n', close = true): Bytes {
  const out: Uint8Array[] = [];
  for (const p of parts) out.push(enc.encode(`--${boundary}${eol}${p.headers.join(eol)}${eol}${eol}`), p.body, enc.encode(eol));
  if (close) out.push(enc.encode(`--${boundary}--${eol}`));
  return concat(...out);
}

function multipart(r: Rng, bytes: Bytes, format: string, formBox: string | undefined): { body: Bytes; contentType?: string; wrap: string } {
  const boundary = r.chance(0.9) ? `----fuzz${r.int(1e9).toString(36)}` : r.pick(['x', '"quoted boundary"', 'a'.repeat(70), '--']);
  const type = format === 'png' ? 'image/png' : 'image/jpeg';
  const image = filePart('image', bytes, r.chance(0.8) ? type : r.pick([null, 'application/octet-stream', 'text/plain', 'image/gif']));
  const box = formBox === undefined ? [] : [fieldPart('box', formBox)];
  const variant = r.weighted([
    [12, 'form'],
    [2, 'form+extra-fields'],
    [1, 'missing-image'],
    [1, 'image-as-text-field'],
    [1, 'two-images'],
    [1, 'empty-file'],
    [1, 'nested-multipart'],
    [1, 'no-filename'],
    [1, 'bare-LF'],
    [1, 'unclosed'],
    [1, 'wrong-boundary'],
    [1, 'no-boundary-param'],
    [1, 'truncated-form'],
    [1, 'long-header'],
  ] as const);
  let parts: FormPart[] = [image, ...box];
  let contentType: string | undefined = `multipart/form-data; boundary=${boundary}`;
  let eol = '\r\n';
  let close = true;
  switch (variant) {
    case 'form+extra-fields':
      parts = [fieldPart('note', 'x'.repeat(r.int(2000))), image, fieldPart('image2', 'y'), ...box, fieldPart('box2', '1,1,1,1')];
      break;
    case 'missing-image':
      parts = [fieldPart('other', 'hello'), ...box];
      break;
    case 'image-as-text-field':
      parts = [fieldPart('image', 'not a file'), ...box];
      break;
    case 'two-images':
      parts = [image, image, ...box];
      break;
    case 'empty-file':
      parts = [filePart('image', new Uint8Array(0), type), ...box];
      break;
    case 'nested-multipart': {
      const inner = `inner${r.int(1e6)}`;
      parts = [
        {
          headers: ['Content-Disposition: form-data; name="image"', `Content-Type: multipart/mixed; boundary=${inner}`],
          body: encodeForm([filePart('file', bytes, type)], inner),
        },
        ...box,
      ];
      break;
    }
    case 'no-filename':
      parts = [filePart('image', bytes, type, null), ...box];
      break;
    case 'bare-LF':
      eol = '\n';
      break;
    case 'unclosed':
      close = false;
      break;
    case 'wrong-boundary':
      contentType = `multipart/form-data; boundary=${boundary}X`;
      break;
    case 'no-boundary-param':
      contentType = r.pick(['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; charset=utf-8']);
      break;
    case 'long-header':
      parts = [{ headers: [...image.headers, `X-Long: ${'h'.repeat(r.pick([1000, 20000]))}`], body: bytes }, ...box];
      break;
  }
  let body = encodeForm(parts, boundary, eol, close);
  if (variant === 'truncated-form') body = body.slice(0, r.int(body.length));
  return { body, contentType, wrap: `multipart:${variant}${formBox !== undefined ? '+box' : ''}` };
}

const RAW_TYPES: [number, string | undefined][] = [
  [6, 'image/jpeg'],
  [6, 'image/png'],
  [3, 'application/octet-stream'],
  [2, undefined],
  [1, 'image/jpg'],
  [1, 'image/png; charset=binary'],
  [1, 'IMAGE/JPEG'],
];
const WRONG_TYPES = [
  'image/gif',
  'image/webp',
  'text/plain',
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/mixed; boundary=x',
  '',
  ';;;',
  'image',
  'x'.repeat(300),
];

/** Case `i` of the run seeded `seed`. */
export function makeCase(seed: number, i: number): FuzzCase {
  const r = caseRng(seed, i);
  const seeds = corpus();
  let { bytes, image, format } = pickImage(r, seeds);
  const queryBox = r.chance(0.2) ? randomBox(r) : undefined;
  const formBox = r.chance(0.15) ? (queryBox !== undefined && r.chance(0.5) ? queryBox : randomBox(r)) : undefined;
  const query: string[] = [];
  if (queryBox !== undefined) query.push(`box=${encodeURIComponent(queryBox)}`, ...(r.chance(0.05) ? ['box=1,1,1,1'] : []));
  // Face detection's parameters: mostly valid, sometimes not.
  if (r.chance(0.3))
    query.push(
      `detect=${r.weighted([
        [6, 'false'],
        [2, 'true'],
        [1, '0'],
        [1, 'maybe'],
        [1, ''],
      ] as const)}`,
    );
  if (r.chance(0.1)) query.push(`tta=${r.pick(['false', 'true', '0', 'yes'])}`);
  if (r.chance(0.1)) query.push(`max_faces=${r.pick(['1', '5', '50', '0', '51', '-1', 'ten', '99999999'])}`);
  const path = query.length ? `/classify?${query.join('&')}` : '/classify';
  const how = r.weighted([
    [55, 'raw'],
    [8, 'wrong-type'],
    [30, 'multipart'],
    [7, 'empty'],
  ] as const);
  if (how === 'multipart') return { id: `${seed}:${i}`, image, path, ...multipart(r, bytes, format, formBox) };
  if (how === 'empty') {
    bytes = new Uint8Array(0);
    image = 'empty';
  }
  const contentType = how === 'wrong-type' ? r.pick(WRONG_TYPES) : r.weighted(RAW_TYPES);
  return {
    id: `${seed}:${i}`,
    image,
    wrap: how === 'wrong-type' ? `raw:wrong-type(${contentType?.slice(0, 30)})` : `raw:${contentType ?? 'no-type'}`,
    body: bytes,
    contentType,
    path,
  };
}

/** The request for a case, against `base` (any origin will do in-process). */
export function toRequest(c: FuzzCase, base = 'http://fuzz.local'): Request {
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  return new Request(new URL(c.path, base), { method: 'POST', headers, body: c.body });
}
