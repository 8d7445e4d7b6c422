/**
 * Runs fuzz cases and judges each answer. Two ways:
 * - in-process (Node, fast; the bulk of a run): the Worker's own request path (classifyInProcess
 *   below): src/classify-request.ts (the query's parameters, the multipart or raw body and its size
 *   limits, the form's parameters), then core's analyzeImage as src/classify.ts runs it (sniffing,
 *   JPEG/PNG decoding, EXIF, the limits, the detector's input, the box check, each crop to the 48x48
 *   model input) on stand-in models (./models.ts: core's detector and classifier code, fixed
 *   outputs instead of the networks), with the allocations of each case counted (./alloc.ts);
 * - over HTTP against the real Worker in workerd (all of it, the model and the multipart parser of
 *   workerd included).
 * Every case must end in a 200 or a 4xx JSON error, within a time bound, and (in-process) within
 * the memory budget.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeImage, CLASSES } from '@emotion/core';
import { ANALYZE_LIMITS, LIMITS, toApiError } from '@emotion/core/api';
import { readClassifyRequest } from '../../src/classify-request.ts';
import { countAllocations } from './alloc.ts';
import { type FuzzCase, makeCase, toRequest } from './cases.ts';
import { FUZZ_MODELS } from './models.ts';

const MiB = 1024 * 1024;

export interface Outcome {
  status: number;
  /** The error code of a 4xx, or "ok". */
  code: string;
  ms: number;
  /** In-process only: bytes allocated in typed arrays while handling the case. */
  allocated?: number;
  /** Why the answer is not acceptable; undefined when it is. */
  failure?: string;
}

/**
 * Bytes one case may allocate: the decoder's budget (which counts what each read allocates: a
 * progressive JPEG's coefficients, a PNG's decode, the detection image, each crop), the upright
 * copy of the detection image (at most 4 MiB: it is at most about 1024 px a side) and its resize
 * rows for the detector (3 KB a row), body copies, and 2 MiB of small change.
 */
export function memoryBudget(bodyBytes: number): number {
  return LIMITS.maxDecodeBytes + 4 * MiB + 3 * 1024 * 2048 + 3 * bodyBytes + 2 * MiB;
}

/** The Worker's path for POST /classify (src/classify.ts) on the stand-in models: the request read, then analyzeImage. */
async function classifyInProcess(req: Request): Promise<{ width: number; height: number }> {
  const { bytes, options } = await readClassifyRequest(req);
  return (await analyzeImage(bytes, FUZZ_MODELS, options, ANALYZE_LIMITS)).image;
}

/**
 * Runs one case in-process. `countMemory` false leaves the global constructors alone (for a process
 * that also runs wrangler) and skips the memory check.
 */
export async function runInProcess(c: FuzzCase, timeBoundMs: number, countMemory = true): Promise<Outcome> {
  const t0 = performance.now();
  const run = () => classifyInProcess(toRequest(c));
  const { error, bytes } = countMemory
    ? await countAllocations(run)
    : await run().then(
        (value) => ({ value, error: undefined, bytes: 0 }),
        (error: unknown) => ({ value: undefined, error, bytes: 0 }),
      );
  const ms = performance.now() - t0;
  let status = 200;
  let code = 'ok';
  let failure: string | undefined;
  if (error !== undefined) {
    const apiErr = toApiError(error);
    status = apiErr.status;
    code = apiErr.code;
    if (status >= 500)
      failure = `uncaught ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n')}` : String(error)}`;
  }
  const budget = memoryBudget(c.body.length);
  if (!failure && bytes > budget)
    failure = `allocated ${(bytes / MiB).toFixed(1)} MiB, over the budget of ${(budget / MiB).toFixed(1)} MiB`;
  if (!failure && ms > timeBoundMs) failure = `took ${ms.toFixed(0)} ms, over the bound of ${timeBoundMs} ms`;
  return { status, code, ms, allocated: bytes, failure };
}

/** Checks one HTTP answer: a 200 classification or a 4xx JSON error. */
async function judgeHttp(res: Response): Promise<{ code: string; failure?: string }> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: 'not-json', failure: `status ${res.status} with a body that is not JSON: ${text.slice(0, 120)}` };
  }
  if (res.status === 200) {
    // A classification, one per face when faces are detected; no face found is a 200 with a message.
    const results: any[] = Array.isArray(body.faces) ? body.faces : [body];
    const valid = (x: any) => CLASSES.includes(x?.emotion) && Math.abs(CLASSES.reduce((a, k) => a + (x.scores?.[k] ?? NaN), 0) - 1) < 1e-4;
    if (results.length === 0 && body.emotion === null && typeof body.message === 'string') return { code: 'ok' };
    if (results.length === 0 || !results.every(valid))
      return { code: 'ok', failure: `200 without a classification: ${text.slice(0, 200)}` };
    return { code: 'ok' };
  }
  const code = String(body?.error?.code ?? 'no-code');
  if (res.status < 400 || res.status >= 500) return { code, failure: `status ${res.status}: ${text.slice(0, 200)}` };
  if (typeof body?.error?.message !== 'string' || !body.error.message)
    return { code, failure: `4xx without an error message: ${text.slice(0, 200)}` };
  if (!/application\/json/.test(res.headers.get('content-type') ?? ''))
    return { code, failure: `4xx served as ${res.headers.get('content-type')}` };
  return { code };
}

export async function runHttp(c: FuzzCase, base: string, timeBoundMs: number): Promise<Outcome> {
  const t0 = performance.now();
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  try {
    const res = await fetch(new URL(c.path, base), { method: 'POST', headers, body: c.body, signal: AbortSignal.timeout(timeBoundMs) });
    const { code, failure } = await judgeHttp(res);
    return { status: res.status, code, ms: performance.now() - t0, failure };
  } catch (err) {
    const ms = performance.now() - t0;
    const why =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${timeBoundMs} ms`
        : `connection failed: ${String((err as Error)?.cause ?? err)}`;
    return { status: 0, code: 'no-answer', ms, failure: why };
  }
}

export interface Report {
  mode: 'in-process' | 'http';
  seed: number;
  cases: number;
  seconds: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  maxMs: number;
  p99Ms: number;
  maxAllocatedMiB?: number;
  failures: { c: FuzzCase; outcome: Outcome }[];
}

export interface RunOptions {
  seed: number;
  /** Case indices to run: [from, to). */
  from: number;
  to: number;
  /** Base URL of a running Worker: HTTP mode; absent: in-process. */
  base?: string;
  timeBoundMs: number;
  /** Called after each case (progress). */
  onCase?: (i: number, c: FuzzCase, o: Outcome) => void;
}

export async function runFuzz(o: RunOptions): Promise<Report> {
  const t0 = performance.now();
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  const times: number[] = [];
  let maxAlloc = 0;
  const failures: Report['failures'] = [];
  for (let i = o.from; i < o.to; i++) {
    const c = makeCase(o.seed, i);
    const outcome = o.base ? await runHttp(c, o.base, o.timeBoundMs) : await runInProcess(c, o.timeBoundMs);
    byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
    byCode[outcome.code] = (byCode[outcome.code] ?? 0) + 1;
    times.push(outcome.ms);
    maxAlloc = Math.max(maxAlloc, outcome.allocated ?? 0);
    if (outcome.failure) failures.push({ c, outcome });
    o.onCase?.(i, c, outcome);
  }
  times.sort((a, b) => a - b);
  return {
    mode: o.base ? 'http' : 'in-process',
    seed: o.seed,
    cases: o.to - o.from,
    seconds: (performance.now() - t0) / 1000,
    byStatus,
    byCode,
    maxMs: times[times.length - 1] ?? 0,
    p99Ms: times[Math.floor(times.length * 0.99)] ?? 0,
    maxAllocatedMiB: o.base ? undefined : maxAlloc / MiB,
    failures,
  };
}

export function summary(r: Report): string {
  const counts = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `${r.mode}: ${r.cases} cases (seed ${r.seed}) in ${r.seconds.toFixed(1)} s; ${r.failures.length} failed`,
    `  status: ${counts(r.byStatus)}`,
    `  code: ${counts(r.byCode)}`,
    `  time per case: p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms${r.maxAllocatedMiB === undefined ? '' : `; largest allocation sum ${r.maxAllocatedMiB.toFixed(1)} MiB`}`,
    ...r.failures.slice(0, 20).map(({ c, outcome }) => `  FAIL ${c.id} [${c.image} as ${c.wrap}, ${c.path}]: ${outcome.failure}`),
  ].join('\n');
}

/** A file of test/regressions/: `<name>.json` describes the request whose body is `file`. */
export interface Regression {
  file: string;
  path: string;
  contentType: string | null;
  /** What it broke and what fixed it. */
  why: string;
  /** The answer it must get now; without it, any 200 or 4xx JSON error will do. */
  expect?: { status: number; code: string };
}

export const REGRESSIONS = join(dirname(fileURLToPath(import.meta.url)), '..', 'regressions');

/** Every regression file, as fuzz cases (id = the file's name). */
export function regressionCases(): { c: FuzzCase; r: Regression }[] {
  return readdirSync(REGRESSIONS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const r = JSON.parse(readFileSync(join(REGRESSIONS, f), 'utf8')) as Regression;
      const body = new Uint8Array(readFileSync(join(REGRESSIONS, r.file)));
      return {
        r,
        c: { id: f.replace(/\.json$/, ''), image: r.file, wrap: 'regression', body, contentType: r.contentType ?? undefined, path: r.path },
      };
    });
}

/** Writes a case as a regression pair (<name>.bin + <name>.json) into `dir`; returns the name. */
export function saveCase(c: FuzzCase, dir: string, why: string, expect?: { status: number; code: string }): string {
  mkdirSync(dir, { recursive: true });
  const name = `fuzz-${c.id.replace(':', '-')}`;
  writeFileSync(join(dir, `${name}.bin`), c.body);
  const meta: Regression = {
    file: `${name}.bin`,
    path: c.path,
    contentType: c.contentType ?? null,
    why: `fuzz case ${c.id} (${c.image} as ${c.wrap}): ${why}`,
    ...(expect ? { expect } : {}),
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
  return name;
}
