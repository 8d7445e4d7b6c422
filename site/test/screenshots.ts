/**
 * Screenshots of every page at desktop and phone width, for looking at the site:
 *   BASE=http://127.0.0.1:8787 node --import tsx test/screenshots.ts [out-dir]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from './browser.ts';
import { PHOTOS } from './paths.ts';

const BASE = process.env.BASE ?? 'http://127.0.0.1:8787';
const OUT = resolve(process.argv[2] ?? 'test-results/screenshots');
mkdirSync(OUT, { recursive: true });

const { browser, close } = await launchChromium();
try {
  for (const [name, width, height] of [
    ['desktop', 1280, 900],
    ['phone', 390, 844],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    for (const path of ['/', '/training', '/training/model-card', '/api']) {
      await page.goto(BASE + path, { waitUntil: 'networkidle' });
      const file = join(OUT, `${name}${path === '/' ? '-home' : path.replace(/\//g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    for (const photo of (process.env.PHOTOS_TO_SHOOT ?? 'happy.jpg,bbt1.jpg').split(',')) {
      await page.goto(BASE + '/', { waitUntil: 'networkidle' });
      await page.locator('#file-input').setInputFiles(join(PHOTOS, photo));
      await page.locator('#panel[aria-busy="false"] #result:not([hidden]), #error:not([hidden])').first().waitFor({ timeout: 30_000 });
      const file = join(OUT, `${name}-upload-${photo.replace(/\W+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await page.close();
  }
} finally {
  await close();
}
