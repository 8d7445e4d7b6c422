/**
 * `npm run fuzz -w worker -- [--iterations N] [--seed S] [--http N] [--only I] [--no-save]`
 *
 * The long fuzz run: N cases in-process (default 100000), then, with --http N, the first N cases of
 * the same seed through the real Worker in workerd. The seed defaults to a new one (printed); the
 * same seed makes the same cases. --only I replays case I alone and prints it. Failing cases are
 * saved as regression files in test/regressions/ (unless --no-save); commit them, with an "expect"
 * once fixed, and regressions.test.ts replays them on every run. Exits 1 when any case failed.
 */
import { parseArgs } from 'node:util';
import { startWorker } from '../harness.ts';
import { makeCase } from './cases.ts';
import { REGRESSIONS, type Report, runFuzz, runHttp, runInProcess, saveCase, summary } from './run.ts';
import { corpus } from './seeds.ts';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    http: { type: 'string', default: '0' },
    only: { type: 'string' },
    'time-bound': { type: 'string', default: '5000' },
    'no-save': { type: 'boolean', default: false },
  },
});
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const iterations = Number(values.iterations);
const httpCases = Number(values.http);
const timeBoundMs = Number(values['time-bound']);
if (![seed, iterations, httpCases, timeBoundMs].every(Number.isInteger))
  throw new Error('--seed, --iterations, --http and --time-bound take integers');

if (values.only !== undefined) {
  const c = makeCase(seed, Number(values.only));
  console.log({ ...c, body: `${c.body.length} bytes: ${Buffer.from(c.body.subarray(0, 48)).toString('hex')}...` });
  console.log('in-process:', await runInProcess(c, timeBoundMs));
  if (httpCases > 0) {
    const w = await startWorker();
    console.log('workerd:', await runHttp(c, w.url, timeBoundMs * 4));
    await w.dispose();
  }
  process.exit(0);
}

console.log(
  `fuzz seed ${seed}: ${iterations} cases in-process${httpCases ? `, ${httpCases} over HTTP` : ''}; corpus of ${corpus().length} seed images`,
);
const step = Math.max(1, Math.floor(iterations / 10));
const reports: Report[] = [];
reports.push(
  await runFuzz({
    seed,
    from: 0,
    to: iterations,
    timeBoundMs,
    onCase: (i, c, o) => {
      if (o.failure) console.log(`FAIL ${c.id}: ${o.failure.split('\n')[0]}`);
      if ((i + 1) % step === 0) console.log(`  ${i + 1} / ${iterations}`);
    },
  }),
);
if (httpCases > 0) {
  const w = await startWorker();
  try {
    reports.push(await runFuzz({ seed, from: 0, to: httpCases, base: w.url, timeBoundMs: timeBoundMs * 4 }));
  } finally {
    await w.dispose();
  }
}
let failed = 0;
for (const r of reports) {
  console.log(summary(r));
  failed += r.failures.length;
  if (!values['no-save'])
    for (const f of r.failures) console.log(`  saved ${saveCase(f.c, REGRESSIONS, f.outcome.failure ?? '')} in test/regressions/`);
}
process.exit(failed ? 1 : 0);
