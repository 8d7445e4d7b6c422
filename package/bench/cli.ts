/**
 * `npm run bench -w package -- [--copies 10] [--runs 3] [--jobs 1,2]`: the command line's
 * throughput on a folder, ../shared/photos-dev copied `copies` times (a few hundred files), run
 * locally with each --jobs value `runs` times: images per second (wall time, start-up and model
 * loading included) and peak memory (max RSS of the process, its analysis threads included,
 * from GNU time). Prints each run and the medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedPath, sharedSkip } from '@emotion/core/shared-data';

const { values } = parseArgs({
  options: { copies: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, jobs: { type: 'string', default: '1,2' } },
});
const missing = sharedSkip('photos-dev');
if (missing) throw new Error(missing);

const PKG = join(import.meta.dirname, '..');
execFileSync(process.execPath, [join(PKG, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const src = sharedPath('photos-dev');
const photos = readdirSync(src).filter((n) => /\.(jpe?g|png)$/i.test(n));
const dir = mkdtempSync(join(tmpdir(), 'emotion-edge-bench-'));
for (let c = 0; c < Number(values.copies); c++) {
  mkdirSync(join(dir, `copy${c}`));
  for (const p of photos) copyFileSync(join(src, p), join(dir, `copy${c}`, p));
}
const files = photos.length * Number(values.copies);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`${files} files (${photos.length} photos of ${src} x ${values.copies}), ${cpus().length} cores, Node ${process.version}\n`);
const rows: string[] = [];
try {
  for (const jobs of values.jobs.split(',').map(Number)) {
    const rates: number[] = [];
    const peaks: number[] = [];
    for (let r = 0; r < Number(values.runs); r++) {
      const t0 = performance.now();
      const run = spawnSync(
        '/usr/bin/time',
        ['-f', '%M', process.execPath, join(PKG, 'dist', 'cli.js'), '--jobs', String(jobs), '--no-progress', '--out', '/dev/null', dir],
        { encoding: 'utf8' },
      );
      const seconds = (performance.now() - t0) / 1000;
      if (run.status !== 0) throw new Error(`run failed (${run.status}): ${run.stderr}`);
      const peakMiB = Number(run.stderr.trim().split('\n').at(-1)) / 1024;
      rates.push(files / seconds);
      peaks.push(peakMiB);
      console.log(
        `--jobs ${jobs}, run ${r + 1}: ${(files / seconds).toFixed(1)} images/s (${seconds.toFixed(1)} s), peak ${peakMiB.toFixed(0)} MiB`,
      );
    }
    rows.push(`| ${jobs} | ${median(rates).toFixed(1)} | ${median(peaks).toFixed(0)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\nMedians of ${values.runs} runs:\n\n| --jobs | images/s | peak RSS MiB |\n|---|---|---|\n${rows.join('\n')}`);
