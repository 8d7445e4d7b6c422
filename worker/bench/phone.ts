/**
 * `npm run bench:phone -w worker`: a phone photo's whole request against libjpeg-turbo's
 * `djpeg -scale 1/8` on the same file (the cheapest look a native decoder can take at it), the two
 * interleaved in one run so the host's load falls on both. Issue 30's targets: a 12 MP baseline
 * photo's request within 3x, a 12 MP progressive one within 2.5x (flip TTA and detection included).
 * Prints p50 server time per stage, djpeg's p50 (process start included, as its own row shows) and
 * the ratio of the medians. Options: --requests N (default 25).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { hasTool } from '@emotion/core/testing/tools';
import { startWorker } from '../test/harness.ts';
import { GROUP_PHOTO_FACES, groupPhotoJpeg, upscaledPhotoJpeg } from '../test/large-images.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '25' } } });
const REQUESTS = Number(values.requests);
const WARMUP = 3;
for (const tool of ['cjpeg', 'djpeg'] as const)
  if (!hasTool(tool))
    throw new Error(`${tool} not found: apt-get install libjpeg-turbo-progs (the photos are made with cjpeg, timed against djpeg)`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

const photos = [
  {
    name: '12 MP baseline portrait (EXIF 6), 3024x4032',
    bytes: upscaledPhotoJpeg('happy.jpg', 3024, 4032, { orientation: 6, quality: 92 }),
    target: 3,
  },
  {
    name: '12 MP progressive, 4032x3024',
    bytes: upscaledPhotoJpeg('surprised.jpg', 4032, 3024, { quality: 90, flags: ['-progressive'] }),
    target: 2.5,
  },
  { name: `12 MP group photo (${GROUP_PHOTO_FACES} faces), 4032x3024`, bytes: groupPhotoJpeg(), target: undefined },
];

const dir = tempDir('bench-phone-');
const loadBefore = os.loadavg();
const w = await startWorker();
const stages = ['decode', 'detect', 'preprocess', 'inference', 'total'] as const;
const rows: string[] = [];
const spawn: number[] = [];
try {
  for (const [i, photo] of photos.entries()) {
    const path = join(dir, `${i}.jpg`);
    writeFileSync(path, photo.bytes);
    const request = async () => {
      const res = await w.fetch('/classify', { method: 'POST', body: photo.bytes, headers: { 'content-type': 'image/jpeg' } });
      const body = (await res.json()) as { faces: unknown[]; timings: Record<string, number> };
      if (res.status !== 200) throw new Error(`${photo.name}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    const djpeg = () => {
      const t0 = performance.now();
      execFileSync('djpeg', ['-scale', '1/8', '-outfile', '/dev/null', path]);
      return performance.now() - t0;
    };
    for (let k = 0; k < WARMUP; k++) {
      await request();
      djpeg();
    }
    const t: Record<string, number[]> = Object.fromEntries([...stages, 'djpeg'].map((s) => [s, []]));
    let faces = 0;
    for (let k = 0; k < REQUESTS; k++) {
      const body = await request();
      faces = body.faces.length;
      for (const s of stages) if (body.timings[s] !== undefined) t[s].push(body.timings[s]);
      t.djpeg.push(djpeg());
      const s0 = performance.now();
      execFileSync('true');
      spawn.push(performance.now() - s0);
    }
    const ratio = median(t.total) / median(t.djpeg);
    const verdict = photo.target === undefined ? '' : ` (target ${photo.target}x: ${ratio <= photo.target ? 'met' : 'not met'})`;
    rows.push(
      `| ${photo.name}, ${(photo.bytes.length / 2 ** 20).toFixed(1)} MiB | ${faces} | ${stages.map((s) => (t[s].length ? f(median(t[s])) : '-')).join(' | ')} | ${f(median(t.djpeg))} | **${ratio.toFixed(2)}x**${verdict} |`,
    );
  }
} finally {
  await w.dispose();
}

console.log(
  `\nPhone photos through POST /classify in workerd (flip TTA on) against \`djpeg -scale 1/8\`, interleaved; ${REQUESTS} of each after ${WARMUP} warm-up, p50 ms. ` +
    `Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} after. Starting a process (\`true\`) took ${f(median(spawn))} ms of djpeg's figure.\n`,
);
console.log('| photo | faces | decode | detect | preprocess | inference | total (server) | djpeg -scale 1/8 | total / djpeg |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
