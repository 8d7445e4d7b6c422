/**
 * Video analysis figures in Debian's headless Chromium (`npm run bench:video -w site`): 640x360
 * clips of 8 s made with ffmpeg from the shared photos, one face and three faces, each analysed
 * through the upload page at the default 5 frames a second, RUNS times (default 3). Prints the
 * medians of what the page reports: frames analysed a second, and per frame the seek, the
 * analysis (detection + classification) and the tracking and smoothing (core's timeline). Builds the
 * site and serves it with the worker in workerd, as the tests do; BASE=http://host:port uses a
 * running server instead.
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ExpressionTimeline } from '@emotion/core/timeline';
import { launchChromium } from '../test/browser.ts';
import { makeClip } from '../test/clips.ts';
import { SITE_DIR } from '../test/paths.ts';
import { siteUnderTest } from '../test/worker.ts';

const OUT = join(SITE_DIR, 'test-results', 'bench-video');
const RUNS = Number(process.env.RUNS ?? 3);
const SECONDS = 8;
mkdirSync(OUT, { recursive: true });
const clips = {
  'one face': makeClip(join(OUT, 'one-face.webm'), SECONDS, [{ face: 'happy', x: '235', y: '95' }]),
  'three faces': makeClip(join(OUT, 'three-faces.webm'), SECONDS, [
    { face: 'happy', x: '20', y: '95' },
    { face: 'surprised', x: '235', y: '95' },
    { face: 'disgusted', x: '450', y: '95' },
  ]),
};
const { url: base, dispose } = await siteUnderTest(OUT);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Core's tracking and smoothing alone, in Node, warmed up: microseconds per frame of `faces` moving faces. */
function timelineMicros(faces: number, frames = 20_000): number {
  const timeline = new ExpressionTimeline();
  const scores = { angry: 0.1, disgust: 0.05, fear: 0.05, happy: 0.5, neutral: 0.2, sad: 0.05, surprise: 0.05 };
  const frame = (i: number) =>
    Array.from({ length: faces }, (_, k) => ({ box: { x: 20 + 200 * k + (i % 50), y: 95, w: 120, h: 120 }, scores }));
  for (let i = 0; i < 2000; i++) timeline.push(i / 5, frame(i));
  const t0 = performance.now();
  for (let i = 2000; i < 2000 + frames; i++) timeline.push(i / 5, frame(i));
  return ((performance.now() - t0) * 1000) / frames;
}
for (const n of [1, 3])
  console.log(`core's tracking and smoothing in Node, ${n} face(s): ${timelineMicros(n).toFixed(1)} µs a frame (recording rows)`);
const { browser, close } = await launchChromium();
try {
  const context = await browser.newContext();
  // Load ORT and the models once (the Cache API keeps them for the pages below).
  const warm = await context.newPage();
  await warm.goto(`${base}/`, { waitUntil: 'networkidle' });
  await warm.getByRole('radio', { name: /this device/i }).check();
  await warm.waitForFunction(() => document.getElementById('ondevice-loading')?.hidden === true, null, { timeout: 120_000 });
  await warm.close();
  console.log(`Chromium ${browser.version()}, ${cpus().length} x ${cpus()[0]?.model}; load average ${loadavg()[0].toFixed(1)}`);
  for (const [name, clip] of Object.entries(clips)) {
    const runs: { fps: number; seek: number; analysis: number; tracking: number; faces: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const page = await context.newPage();
      await page.goto(`${base}/`, { waitUntil: 'networkidle' });
      await page.locator('#file-input').setInputFiles(clip);
      await page.getByRole('button', { name: /csv/i }).waitFor({ timeout: 300_000 });
      const meta = await page.locator('#video-meta').innerText();
      const num = (re: RegExp) => Number(meta.match(re)?.[1]);
      runs.push({
        fps: num(/([\d.]+) frames\/s/),
        seek: num(/seeking ([\d.]+) ms/),
        analysis: num(/analysis ([\d.]+) ms/),
        tracking: num(/tracking and smoothing ([\d.]+) ms/),
        faces: await page.getByRole('img', { name: /^Face \d+$/ }).count(),
      });
      await page.close();
    }
    const m = (k: keyof (typeof runs)[number]) => median(runs.map((x) => x[k]));
    console.log(
      `${name} (640x360, ${SECONDS} s, 5 frames a second, median of ${RUNS}): ${m('fps')} frames/s analysed (${(m('fps') / 5).toFixed(2)}x real time); ` +
        `a frame: seek ${m('seek')} ms, analysis ${m('analysis')} ms, tracking and smoothing ${m('tracking')} ms; ${m('faces')} faces tracked`,
    );
  }
} finally {
  await close();
  await dispose();
}
