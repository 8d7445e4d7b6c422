/**
 * On-device figures in Debian's headless Chromium (`npm run bench:ondevice -w site`): the first
 * load of ORT and the models (network, then the Cache API), a photo's analysis time, and the live
 * camera's frame rate with the fake camera fed a 30 fps clip of a shared photo. Builds the site
 * and serves it with the worker in workerd, as the tests do; BASE=http://host:port uses a running
 * server instead. SECONDS=n: how long the camera runs (default 10).
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fakeCameraClip, launchChromium } from '../test/browser.ts';
import { PHOTOS, SITE_DIR } from '../test/paths.ts';
import { siteUnderTest } from '../test/worker.ts';

const OUT = join(SITE_DIR, 'test-results', 'bench');
const seconds = Number(process.env.SECONDS ?? 10);
mkdirSync(OUT, { recursive: true });
const clip = fakeCameraClip(join(PHOTOS, 'happy.jpg'), join(OUT, 'camera.y4m'));
const { url: base, dispose } = await siteUnderTest(OUT);
const { browser, close } = await launchChromium({ fakeCamera: clip });
try {
  const context = await browser.newContext();
  await context.grantPermissions(['camera'], { origin: base });
  const page = await context.newPage();
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const photo = async (name: string) => {
    const t0 = Date.now();
    await page.locator('#file-input').setInputFiles(join(PHOTOS, name));
    await page.locator('#panel[aria-busy="false"]').waitFor({ timeout: 120_000 });
    return { wall: Date.now() - t0, meta: await page.locator('#meta').innerText() };
  };
  const tLoad = Date.now();
  await page.getByRole('radio', { name: /this device/i }).check();
  await page.waitForFunction(() => document.getElementById('ondevice-loading')?.hidden === true, null, { timeout: 120_000 });
  const firstLoad = Date.now() - tLoad;
  const rows: string[] = [];
  for (const name of ['happy.jpg', 'happy.jpg', 'bbt1.jpg']) {
    const r = await photo(name);
    rows.push(`${name}: ${r.meta} (${r.wall} ms with the page's shrinking)`);
  }
  // A fresh page: ORT and the models from the Cache API this time.
  const again = await context.newPage();
  await again.goto(base + '/', { waitUntil: 'networkidle' });
  const t0 = Date.now();
  await again.getByRole('radio', { name: /this device/i }).check();
  await again.waitForFunction(() => document.getElementById('ondevice-loading')?.hidden === true, null, { timeout: 120_000 });
  const cachedLoad = Date.now() - t0;
  await again.close();

  await page.getByRole('button', { name: /camera/i }).click();
  await page.locator('#live-readout').filter({ hasText: /fps/ }).waitFor({ timeout: 120_000 });
  const samples: string[] = [];
  for (let s = 0; s < seconds; s++) {
    await page.waitForTimeout(1000);
    samples.push(await page.locator('#live-readout').innerText());
  }
  await page.getByRole('button', { name: /camera/i }).click();
  const fps = samples.slice(2).map((t) => Number(t.match(/([\d.]+) fps/)?.[1]));
  const ms = samples.slice(2).map((t) => Number(t.match(/(\d+) ms a frame/)?.[1]));
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
  console.log(`Chromium ${browser.version()}, ${cpus().length} x ${cpus()[0]?.model}; cross-origin isolated: ${isolated}`);
  for (const r of rows) console.log(r);
  console.log(`ORT + both models over the network (127.0.0.1), first load: ${firstLoad} ms`);
  console.log(`ORT + both models from the Cache API, a fresh page: ${cachedLoad} ms`);
  console.log(
    `live camera (640x360, 30 fps clip): ${mean(fps)} fps, ${mean(ms)} ms a frame (mean of ${fps.length} one-second samples; last: ${samples.at(-1)})`,
  );
} finally {
  await close();
  await dispose();
}
