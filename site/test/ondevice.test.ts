/**
 * On-device mode and the live camera, end to end: the site built here, served by the real Worker
 * in workerd, in Debian's headless Chromium with its fake camera fed a clip made here from a
 * shared photo (Debian's ffmpeg). onnxruntime-web and both models run in the page; the tests count
 * the requests to /classify (there must be none) and compare with the edge's answer.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CLASSES } from '@emotion/core/classes';
import { requireOrSkip } from '@emotion/core/shared-data';
import { chromiumSkip, toolSkip } from '@emotion/core/testing/tools';
import type { Page } from 'playwright-core';
import { fakeCameraClip, launchChromium } from './browser.ts';
import { DAMAGED_JPEG, PHOTOS, SITE_DIR } from './paths.ts';
import { type Seen, siteSession } from './session.ts';

const RESULTS = join(SITE_DIR, 'test-results', 'ondevice');
const DIST = join(SITE_DIR, 'test-results', 'ondevice-dist');

// Missing prerequisites fail under CI=true and skip, with the reason printed, on a developer's machine.
const skip = requireOrSkip(existsSync(join(PHOTOS, 'SOURCE.md')), `the shared photos (${PHOTOS})`) || chromiumSkip() || toolSkip('ffmpeg');

/** The scores the page shows (its bars, 0.1% steps) and its top emotion. */
async function shownScores(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of CLASSES) out[c] = parseFloat(await page.locator(`.bar[data-class="${c}"] .bar-value`).innerText()) / 100;
  return out;
}

async function uploadAndWait(page: Page, file: string): Promise<void> {
  await page.locator('#file-input').setInputFiles(file);
  await page.locator('#panel[aria-busy="false"]').waitFor({ timeout: 120_000 });
}

describe('on this device, in Chromium', { skip }, () => {
  let clip = '';
  before(() => {
    mkdirSync(RESULTS, { recursive: true });
    clip = fakeCameraClip(join(PHOTOS, 'happy.jpg'), join(RESULTS, 'camera.y4m'));
  });
  const site = siteSession(DIST, RESULTS, () => ({ fakeCamera: clip }));
  /** Every page may use the fake camera. */
  const withPage = (name: string, fn: (page: Page, seen: Seen) => Promise<void>) => site.withPage(name, fn, { camera: true });

  test('a photo is classified in the page with no request to /classify, as the edge classifies it', () =>
    withPage('photo', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated (threads)');
      const photo = join(PHOTOS, 'happy.jpg');
      // The edge first: the same page, the same shrunk JPEG, through POST /classify.
      const answer = page.waitForResponse((r) => r.url().endsWith('/classify'));
      await uploadAndWait(page, photo);
      const edge = await (await answer).json();
      const edgeScores = await shownScores(page);
      assert.equal(seen.classify, 1);

      await page.getByRole('radio', { name: /this device/i }).check();
      await uploadAndWait(page, photo);
      assert.equal(seen.classify, 1, 'on this device: no request to /classify');
      assert.match(await page.locator('#meta').innerText(), /on this device.* \d+ ms · \d+ threads?$/i);
      assert.equal((await page.locator('#top-emotion').innerText()).toLowerCase(), edge.faces[0].emotion);
      const device = await shownScores(page);
      for (const c of CLASSES) {
        assert.ok(
          Math.abs(device[c] - edge.faces[0].scores[c]) <= 0.01,
          `${c}: on device ${device[c]}, at the edge ${edge.faces[0].scores[c]}`,
        );
        assert.ok(Math.abs(device[c] - edgeScores[c]) <= 0.01, `${c}: shown ${device[c]} and ${edgeScores[c]}`);
      }
      assert.equal(await page.locator('svg.overlay .face-box').count(), edge.faces.length > 1 ? edge.faces.length : 1);
      assert.deepEqual(seen.errors, []);
    }));

  test('a group photo: a box per face, as many as the edge finds', () =>
    withPage('group', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const answer = page.waitForResponse((r) => r.url().endsWith('/classify'));
      await uploadAndWait(page, join(PHOTOS, 'bbt1.jpg'));
      const edge = await (await answer).json();
      assert.ok(edge.faces.length > 1, `the edge finds ${edge.faces.length} faces`);
      await page.getByRole('radio', { name: /this device/i }).check();
      await uploadAndWait(page, join(PHOTOS, 'bbt1.jpg'));
      assert.equal(seen.classify, 1);
      assert.equal(await page.locator('svg.overlay .face-box').count(), edge.faces.length);
      const buttons = await page.locator('#face-buttons button').allInnerTexts();
      assert.deepEqual(
        buttons.map((b) => b.split(' ')[2]),
        edge.faces.map((f: { emotion: string; uncertain: boolean }) => (f.uncertain ? 'not' : f.emotion)),
      );
    }));

  test('a damaged JPEG: the page says so on this device too', () =>
    withPage('damaged', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await page.getByRole('radio', { name: /this device/i }).check();
      await uploadAndWait(page, DAMAGED_JPEG);
      assert.ok(await page.locator('#no-face').isVisible(), 'with the answer');
      assert.match(await page.locator('#damaged-note').innerText(), /^This image was damaged\./);
      await uploadAndWait(page, join(PHOTOS, 'happy.jpg'));
      assert.ok(await page.locator('#damaged-note').isHidden(), 'no note for a clean photo');
      assert.equal(seen.classify, 0);
      assert.deepEqual(seen.errors, []);
    }));

  test('a file that is not an image: the same error as the edge gives, still with no request', () =>
    withPage('not-image', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await page.getByRole('radio', { name: /this device/i }).check();
      const bogus = join(RESULTS, 'not-an-image.jpg');
      writeFileSync(bogus, 'this is not an image');
      await uploadAndWait(page, bogus);
      assert.ok(await page.locator('#error').isVisible());
      assert.equal(await page.locator('#error-title').innerText(), 'That file is not a supported image');
      assert.equal(seen.classify, 0);
      assert.deepEqual(seen.errors, []);
    }));

  test('the live camera shows a face label and a frame rate, on device, and stops on a second press', () =>
    withPage('camera', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const button = page.getByRole('button', { name: /camera/i });
      await button.click();
      const readout = page.locator('#live-readout');
      await readout.filter({ hasText: /\d+(\.\d+)? fps · \d+ ms a frame · 1 face, \w+/ }).waitFor({ timeout: 120_000 });
      await page.waitForTimeout(4000); // a steady rate, past the first frames
      const text = await readout.innerText();
      const fps = Number(text.match(/([\d.]+) fps/)![1]);
      console.log(`# live camera in headless Chromium: ${text}`);
      assert.ok(fps > 0, text);
      assert.match(text, /1 face, \w+ \d+% \(face 1\)/, 'the one face keeps number 1 through the run');
      assert.ok(
        CLASSES.some((c) => text.includes(c)),
        text,
      );
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      await button.click();
      await readout.filter({ hasText: 'Camera stopped.' }).waitFor({ timeout: 5000 });
      assert.ok(await page.locator('#live-stage').isHidden());
      assert.equal(
        await page.evaluate(() => (document.getElementById('live-video') as HTMLVideoElement).srcObject),
        null,
        'the stream is released',
      );
      assert.equal(seen.classify, 0);
      assert.deepEqual(seen.errors, []);
    }));

  test('the live camera keeps a face number, and records a timeline with its chart, segments and CSV', () =>
    withPage('camera-record', async (page, seen) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await page.getByRole('button', { name: /camera/i }).click();
      const readout = page.locator('#live-readout');
      await readout.filter({ hasText: /1 face, \w+ \d+% \(face 1\)/ }).waitFor({ timeout: 120_000 });
      const record = page.getByRole('button', { name: 'Record the timeline' });
      await record.click();
      assert.equal(await page.getByRole('button', { name: 'Stop recording' }).getAttribute('aria-pressed'), 'true');
      await readout.filter({ hasText: /recording [2-9] s/ }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Stop recording' }).click();
      const csv = page.locator('#live-timeline').getByRole('button', { name: /csv/i });
      await csv.waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#live-timeline').getByRole('img', { name: 'Face 1' }).count(), 1);
      assert.match(await page.locator('#live-timeline table.segments').innerText(), /happy/);
      const [file] = await Promise.all([page.waitForEvent('download'), csv.click()]);
      const text = readFileSync((await file.path()) ?? '', 'utf8')
        .trim()
        .split('\n');
      assert.match(text[0], /^time_s,track,emotion,angry,disgust,fear,happy,neutral,sad,surprise,x,y,w,h,/);
      const rows = text.slice(1).map((l) => l.split(','));
      assert.ok(rows.length >= 2, `${rows.length} rows`);
      assert.ok(
        rows.every((r) => r[1] === '1'),
        'one face, one number, through the recording',
      );
      assert.ok(
        rows.every((r) => r[2] === 'happy'),
        'the smoothed label holds',
      );
      // The camera goes on after the recording; a second press stops it.
      await page.getByRole('button', { name: /camera/i }).click();
      await readout.filter({ hasText: 'Camera stopped.' }).waitFor({ timeout: 5000 });
      assert.equal(seen.classify, 0);
      assert.deepEqual(seen.errors, []);
    }));

  /** A browser of its own: the shared one's fake UI grants every camera request. */
  async function withOwnBrowser(args: string[], fn: (page: Page) => Promise<void>): Promise<void> {
    const own = await launchChromium({ args });
    try {
      const page = await own.browser.newPage();
      try {
        await page.goto(site.base + '/', { waitUntil: 'networkidle' });
        await fn(page);
      } catch (e) {
        await page.screenshot({ path: join(RESULTS, 'own-browser-failure.png'), fullPage: true }).catch(() => {});
        throw e;
      }
    } finally {
      await own.close();
    }
  }

  const cameraError = async (page: Page, message: RegExp) => {
    await page.getByRole('button', { name: /camera/i }).click();
    const alert = page.locator('#ondevice-error');
    await alert.filter({ hasText: message }).waitFor({ timeout: 120_000 });
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal(await page.getByRole('button', { name: /camera/i }).getAttribute('aria-pressed'), 'false');
    // The upload path still works.
    await uploadAndWait(page, join(PHOTOS, 'sad.jpg'));
    assert.ok(await page.locator('#result').isVisible());
  };

  test('camera permission denied: its message, and uploads still work', () =>
    withOwnBrowser(['--use-fake-device-for-media-stream', '--deny-permission-prompts'], (page) =>
      cameraError(page, /permission was denied/i),
    ));

  test('no camera: its message, and uploads still work', () =>
    withOwnBrowser(['--use-fake-ui-for-media-stream'], (page) => cameraError(page, /no camera was found/i)));

  test('a failed model download: a clear message, and the edge still works', () =>
    withPage('download-failed', async (page, seen) => {
      await page.route('**/*.onnx', (route) => route.abort('internetdisconnected'));
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await page.getByRole('radio', { name: /this device/i }).check();
      await page
        .locator('#ondevice-error')
        .filter({ hasText: /could not download/i })
        .waitFor({ timeout: 60_000 });
      await page.getByRole('radio', { name: /at the edge/i }).check();
      await uploadAndWait(page, join(PHOTOS, 'sad.jpg'));
      assert.equal(seen.classify, 1);
      assert.ok(await page.locator('#result').isVisible());
    }));
});
