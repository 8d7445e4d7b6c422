/**
 * Decoding a JPEG as the Worker does (the detection image at the scale core picks, then nothing
 * else for a close-up) against jpeg-js' full decode (what the Worker did before) and native
 * libjpeg-turbo (`djpeg`, Debian's libjpeg-turbo-progs) at the same scale, on the same file, in
 * one run. Medians; djpeg's figure includes starting the process (the `true` row shows that cost).
 */

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDetectionImage } from '@emotion/core/faces';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { hasTool } from '@emotion/core/testing/tools';
import jpeg from 'jpeg-js';
import { openUpload } from '../src/decode.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn: () => void, runs: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

export function decoderRows(files: { name: string; bytes: Uint8Array }[]): string[] {
  const dir = tempDir('bench-decode-');
  const djpeg = hasTool('djpeg');
  const spawn = djpeg ? time(() => execFileSync('true'), 9) : NaN;
  const out = [
    `Decoding, Node ${process.version}, medians ms (djpeg includes starting its process: ${spawn.toFixed(1)} ms for \`true\`)${djpeg ? '' : '; djpeg not installed (apt-get install libjpeg-turbo-progs)'}:`,
    '',
    '| JPEG | ours: detection image (scale) | accounted decoder memory | djpeg at that scale | ours / djpeg | jpeg-js full decode | jpeg-js / ours |',
    '|---|---|---|---|---|---|---|',
  ];
  files.forEach((f, i) => {
    const path = join(dir, `${i}.jpg`);
    writeFileSync(path, f.bytes);
    let scale = 1;
    let memory = 0;
    const ours = time(() => {
      const src = openUpload(f.bytes);
      const img = readDetectionImage(src);
      scale = img.step;
      memory = src.bytesFor({ denominator: img.step, format: 'rgba' });
    }, 9);
    const native = djpeg ? time(() => execFileSync('djpeg', ['-scale', `1/${scale}`, '-outfile', '/dev/null', path]), 9) : NaN;
    // jpeg-js takes 1-2 s a run on 12 MP: 3 runs there, and none on 48 MP (about 200 MB and 8 s).
    const mp = (openUpload(f.bytes).width * openUpload(f.bytes).height) / 1e6;
    const reference =
      mp > 20
        ? NaN
        : time(
            () => jpeg.decode(f.bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 4096, maxResolutionInMP: 100 }),
            mp > 4 ? 3 : 9,
          );
    const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(1)}x` : '-');
    out.push(
      `| ${f.name} | ${ms(ours)} (1/${scale}) | ${(memory / 2 ** 20).toFixed(1)} MiB | ${ms(native)} | ${ratio(ours, native)} | ${ms(reference)} | ${ratio(reference, ours)} |`,
    );
  });
  return out;
}
