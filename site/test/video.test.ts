/**
 * A video file on the upload page, end to end: clips made here with Debian's ffmpeg from the shared
 * photos (test/clips.ts), the site built here and served by the real Worker in workerd, Debian's
 * headless Chromium. The video is analysed in the page (no request to /classify); the tests read
 * what a researcher gets: the progress, the CSV and JSON downloads, the charts and segments.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CLASSES } from '@emotion/core/classes';
import { requireOrSkip } from '@emotion/core/shared-data';
import { chromiumSkip, toolSkip } from '@emotion/core/testing/tools';
import type { Page } from 'playwright-core';
import { makeClip, twoFacesClip } from './clips.ts';
import { PHOTOS, SITE_DIR } from './paths.ts';
import { type Seen, siteSession } from './session.ts';

const RESULTS = join(SITE_DIR, 'test-results', 'video');
const DIST = join(SITE_DIR, 'test-results', 'video-dist');

// Missing prerequisites fail under CI=true and skip, with the reason printed, on a developer's machine.
const skip = requireOrSkip(existsSync(join(PHOTOS, 'SOURCE.md')), `the shared photos (${PHOTOS})`) || chromiumSkip() || toolSkip('ffmpeg');

const SECONDS = 6;
const CHANGE_AT = 3;

let twoFaces = '';

const progressBar = (page: Page) => page.getByRole('progressbar', { name: /analyzing the video/i });

/** A download's text, from the button named `name`. */
async function download(page: Page, name: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const path = join(RESULTS, file.suggestedFilename());
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

interface CsvRow {
  t: number;
  track: string;
  emotion: string;
  x: number;
  probs: number[];
}

function readCsv(text: string): { header: string[]; rows: CsvRow[] } {
  const [head, ...lines] = text.trim().split('\n');
  const header = head.split(',');
  const col = (name: string) => header.indexOf(name);
  const rows = lines.map((l) => {
    const c = l.split(',');
    return {
      t: Number(c[col('time_s')]),
      track: c[col('track')],
      emotion: c[col('emotion')],
      x: Number(c[col('x')]),
      probs: CLASSES.map((k) => Number(c[col(k)])),
    };
  });
  return { header, rows };
}

describe('a video file, analysed on this device, in Chromium', { skip }, () => {
  before(() => {
    mkdirSync(RESULTS, { recursive: true });
    twoFaces = twoFacesClip(join(RESULTS, 'two-faces.webm'), SECONDS, CHANGE_AT);
  });
  const site = siteSession(DIST, RESULTS);
  const withPage = (name: string, fn: (page: Page, seen: Seen) => Promise<void>) => site.withPage(name, fn, { open: '/' });

  test('two faces keep their ids, the change is found within 0.5 s, the CSV has a row per sampled frame and face', () =>
    withPage('two-faces', async (page, seen) => {
      assert.match((await page.locator('#file-input').getAttribute('accept')) ?? '', /video\/\*/);
      await page.locator('#file-input').setInputFiles(twoFaces);
      await progressBar(page).waitFor({ timeout: 120_000 });
      await page.getByRole('button', { name: /csv/i }).waitFor({ timeout: 120_000 });
      assert.ok(await progressBar(page).isHidden(), 'the progress bar goes when the analysis is done');
      console.log(`# ${await page.locator('#video-meta').innerText()}`);

      const { header, rows } = readCsv(await download(page, /csv/i));
      for (const c of ['time_s', 'track', 'emotion', ...CLASSES, 'x', 'y', 'w', 'h']) assert.ok(header.includes(c), `CSV column ${c}`);
      // 5 a second by default: 0, 0.2, ... 5.8; two faces at each.
      const times = [...new Set(rows.map((r) => r.t))];
      assert.equal(times.length, SECONDS * 5);
      assert.equal(rows.length, 2 * times.length, 'a row per sampled frame and face');
      for (const r of rows) assert.ok(Math.abs(r.probs.reduce((a, b) => a + b, 0) - 1) < 0.002, `probabilities sum to 1 at ${r.t}`);
      const tracks = [...new Set(rows.map((r) => r.track))];
      assert.equal(tracks.length, 2, `two tracks through the clip (${tracks})`);
      const left = rows.filter((r) => r.track === rows.find((q) => q.x < 300)?.track);
      const right = rows.filter((r) => r.track !== left[0].track);
      assert.ok(left.every((r) => r.x < 300) && right.every((r) => r.x > 300), 'each id stays with its face');
      assert.ok(
        right.every((r) => r.emotion === 'disgust'),
        'the right-hand face reads disgust throughout',
      );
      assert.ok(left.filter((r) => r.t < CHANGE_AT - 0.5).every((r) => r.emotion === 'happy'));
      const flip = left.find((r, i) => r.emotion === 'surprise' && left.slice(i).every((s) => s.emotion === 'surprise'));
      assert.ok(
        flip && Math.abs(flip.t - CHANGE_AT) <= 0.5,
        `the label settles on surprise at ${flip?.t} s; the change is at ${CHANGE_AT} s`,
      );

      const json = JSON.parse(await download(page, /json/i));
      assert.equal(json.settings.sample_fps, 5);
      assert.equal(json.rows.length, rows.length);
      assert.equal(json.summaries.length, 2);
      const leftId = Number(left[0].track);
      assert.deepEqual(
        json.segments.filter((s: { track: number }) => s.track === leftId).map((s: { emotion: string }) => s.emotion),
        ['happy', 'surprise'],
      );

      // A chart per face with a text alternative, and segments that seek the video.
      const charts = page.getByRole('img', { name: /^Face \d+$/ });
      assert.equal(await charts.count(), 2);
      assert.match((await charts.first().getAttribute('aria-describedby')) ?? '', /summary/);
      const segment = page.getByRole('button', { name: /^surprise 0:0\d\.\d–0:05\.8, \d+%: play from/ });
      await segment.click();
      const start = Number((await segment.innerText()).match(/^0:(\d+\.\d)/)?.[1]);
      await page.waitForFunction(
        (s) => Math.abs((document.getElementById('video-player') as HTMLVideoElement).currentTime - s) < 0.05,
        start,
      );
      assert.ok(await page.getByText(/not recognition: no identity/).isVisible(), 'the note on ids');
      assert.equal(seen.classify, 0, 'analysed on this device: no request to /classify');
      assert.deepEqual(seen.errors, []);
    }));

  test('Cancel stops the analysis; the frames done so far are the result', () =>
    withPage('cancel', async (page, seen) => {
      const long = makeClip(join(RESULTS, 'long.webm'), 40, [{ face: 'happy', x: '235', y: '95' }], 5);
      await page.locator('#file-input').setInputFiles(long);
      const bar = progressBar(page);
      await bar.waitFor({ timeout: 120_000 });
      await page.waitForFunction(() => (document.getElementById('video-progress') as HTMLProgressElement).value >= 2, null, {
        timeout: 60_000,
      });
      await page.getByRole('button', { name: 'Cancel' }).click();
      const status = page.locator('#video-status');
      await status.filter({ hasText: /Cancelled at/ }).waitFor({ timeout: 30_000 });
      assert.ok(await bar.isHidden());
      const done = Number((await status.innerText()).match(/\((\d+) of 200 frames\)/)?.[1]);
      assert.ok(done >= 2 && done < 100, await status.innerText());
      await page.waitForTimeout(1000);
      const { rows } = readCsv(await download(page, /csv/i));
      assert.equal(new Set(rows.map((r) => r.t)).size, done, 'the CSV has the frames analysed before Cancel, and no more');
      assert.ok(await page.getByRole('button', { name: /analyze again/i }).isVisible());
      assert.deepEqual(seen.errors, []);
    }));

  test('a file that is not a playable video: a clear message, and the page still works', () =>
    withPage('not-video', async (page, seen) => {
      const bogus = join(RESULTS, 'not-a-video.webm');
      writeFileSync(bogus, 'this is not a video');
      await page.locator('#file-input').setInputFiles(bogus);
      const alert = page.locator('#video-error');
      await alert.filter({ hasText: /cannot play “not-a-video\.webm”/ }).waitFor({ timeout: 60_000 });
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.match(await alert.innerText(), /WebM/);
      assert.ok(await progressBar(page).isHidden());
      // A photo afterwards is classified as usual (at the edge), and the video view steps aside.
      await page.locator('#file-input').setInputFiles(join(PHOTOS, 'happy.jpg'));
      await page.locator('#result').waitFor({ timeout: 60_000 });
      assert.equal((await page.locator('#top-emotion').innerText()).toLowerCase(), 'happy');
      assert.ok(await page.locator('#video-section').isHidden());
      assert.equal(seen.classify, 1);
      assert.deepEqual(seen.errors, []);
    }));
});
