/**
 * The fuzz suite's bulk, in-process (Node): 10,000 generated and mutated /classify requests through
 * the Worker's own upload parsing, box parsing, format sniffing, JPEG/PNG decoding with EXIF, the
 * limits and the preprocessing to the model input (test/fuzz/run.ts says exactly what runs). Each
 * must end in a 200 or a 4xx error, within 3 s, allocating no more than the memory budget.
 * The same cases reach the real Worker in workerd in hostile-http.test.ts. Longer runs:
 * `npm run fuzz -w worker -- --iterations N --seed S`. FUZZ_SEED / FUZZ_ITERATIONS override.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz, summary } from './fuzz/run.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20260626);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 10_000);

test(`in-process: ${ITERATIONS} fuzz cases (seed ${SEED}) end in a 200 or a 4xx error, in time and memory`, async (t) => {
  const report = await runFuzz({ seed: SEED, from: 0, to: ITERATIONS, timeBoundMs: 3000 });
  for (const line of summary(report).split('\n')) t.diagnostic(line);
  assert.equal(report.cases, ITERATIONS);
  assert.deepEqual(
    report.failures.map((f) => `${f.c.id}: ${f.outcome.failure}`),
    [],
  );
  // The run reaches every kind of answer: valid images, corrupt ones, bombs, bad requests.
  for (const code of [
    'ok',
    'corrupt_image',
    'too_large',
    'unsupported_media_type',
    'bad_box',
    'bad_request',
    'empty_body',
    'missing_image',
  ]) {
    assert.ok((report.byCode[code] ?? 0) > 0, `some case answered ${code}`);
  }
});
