/**
 * End to end: the site, built here, served by the real Worker in workerd (wrangler, the committed
 * model), driven through Debian's headless Chromium. Screenshots of failing tests go to
 * test-results/e2e/. E2E_BASE=http://host:port tests an already running server instead.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { toneFormula } from '@emotion/core/artifacts';
import { CLASSES } from '@emotion/core/classes';
import { requireOrSkip } from '@emotion/core/shared-data';
import { encodeJpeg, encodePng, resampleJpeg } from '@emotion/core/testing/images';
import { chromiumSkip } from '@emotion/core/testing/tools';
import type { Page } from 'playwright-core';
import { capitalize, formatPercent, MAX_UPLOAD_SIDE } from '../src/lib/classify.ts';
import { MODEL_DIR } from './build.ts';
import { DAMAGED_JPEG, PHOTOS, SITE_DIR } from './paths.ts';
import { siteSession } from './session.ts';

const RESULTS = join(SITE_DIR, 'test-results', 'e2e');
const DIST = join(SITE_DIR, 'test-results', 'e2e-dist');
const BBT1_FACES = 4;

// Missing prerequisites fail under CI=true and skip, with the reason printed, on a developer's machine.
const skip = requireOrSkip(existsSync(join(PHOTOS, 'SOURCE.md')), `the shared photos (${PHOTOS})`) || chromiumSkip();

/** Chooses a file on the upload page and waits for the page to finish with it. */
async function upload(page: Page, file: string): Promise<{ status: number; json: any }> {
  const answer = page.waitForResponse((r) => r.url().endsWith('/classify') && r.request().method() === 'POST', { timeout: 60_000 });
  await page.locator('#file-input').setInputFiles(file);
  const res = await answer;
  const json = await res.json().catch(() => null);
  await page.locator('#panel[aria-busy="false"]').waitFor({ timeout: 10_000 });
  return { status: res.status(), json };
}

describe('site in Chromium against the worker', { skip }, () => {
  const site = siteSession(DIST, RESULTS);

  test('the built pages need no inline script or style (strict CSP)', { skip: !!process.env.E2E_BASE }, () => {
    const pages = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
    assert.ok(pages.length >= 4, `pages built: ${pages}`);
    for (const f of pages) {
      const html = readFileSync(join(DIST, f), 'utf8');
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${f}: inline <script>`);
      assert.doesNotMatch(html, /<style[\s>]/, `${f}: inline <style>`);
      assert.doesNotMatch(html, /\sstyle="/, `${f}: style attribute`);
      assert.doesNotMatch(html, /\son[a-z]+="/, `${f}: inline event handler`);
    }
  });

  test('a photo uploaded through the page shows the API’s emotion and a bar per class', () =>
    site.withPage('upload-photo', async (page, { errors }) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const { status, json } = await upload(page, join(PHOTOS, 'happy.jpg'));
      assert.equal(status, 200, JSON.stringify(json));
      assert.ok(CLASSES.includes(json.emotion), `emotion ${json.emotion}`);
      const face = json.faces?.[0] ?? json;
      assert.equal(await page.locator('#top-emotion').innerText(), capitalize(face.emotion));
      assert.equal(await page.locator('#top-confidence').innerText(), formatPercent(face.confidence));
      for (const c of CLASSES) {
        const bar = page.locator(`.bar[data-class="${c}"]`);
        assert.equal(await bar.locator('.bar-value').innerText(), formatPercent(face.scores[c]), `bar for ${c}`);
        const width = await bar.locator('.bar-fill').evaluate((el) => (el as HTMLElement).style.width);
        assert.equal(parseFloat(width), Number((face.scores[c] * 100).toFixed(1)), `bar length for ${c}: ${width}`);
      }
      assert.equal(await page.locator('.bar.top').getAttribute('data-class'), face.emotion);
      assert.equal(face.quality.dark || face.quality.blurry, false, JSON.stringify(face.quality));
      assert.ok(await page.locator('#quality-warning').isHidden(), 'no quality warning for a clear photo');
      assert.ok(await page.locator('#stage canvas').isVisible(), 'the preview is shown');
      assert.ok(await page.locator('#damaged-note').isHidden(), 'no damage note for a clean photo');
      assert.ok(await page.locator('#error').isHidden());
      assert.deepEqual(errors, []);
    }));

  test('a large photo is shrunk in the browser to MAX_UPLOAD_SIDE before it is sent', () =>
    site.withPage('upload-large', async (page) => {
      const [w, h] = [3000, 1692];
      mkdirSync(RESULTS, { recursive: true });
      const file = join(RESULTS, 'large-photo.jpg');
      writeFileSync(file, encodeJpeg(resampleJpeg(readFileSync(join(PHOTOS, 'happy.jpg')), w, h), w, h, 90));
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const sent = page.waitForRequest((r) => r.url().endsWith('/classify'));
      const { status, json } = await upload(page, file);
      assert.equal(status, 200, JSON.stringify(json));
      // The longest side at the limit, the other in proportion.
      assert.deepEqual([json.image.width, json.image.height], [MAX_UPLOAD_SIDE, Math.round((h * MAX_UPLOAD_SIDE) / w)]);
      const bytes = (await (await sent).sizes()).requestBodySize;
      assert.ok(bytes < readFileSync(file).length / 3, `sent ${bytes} bytes for a ${readFileSync(file).length}-byte photo`);
      assert.match(await page.locator('#preview-caption').innerText(), /shrunk from 3000×1692/);
    }));

  test('a darkened photo: the API flags the face dark and the page says so', () =>
    site.withPage('upload-dark', async (page) => {
      const [w, h] = [500, 282];
      const rgba = resampleJpeg(readFileSync(join(PHOTOS, 'happy.jpg')), w, h).map((v, i) => (i % 4 === 3 ? v : Math.round(v * 0.3)));
      mkdirSync(RESULTS, { recursive: true });
      const file = join(RESULTS, 'dark-photo.png');
      writeFileSync(file, encodePng(rgba, w, h));
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const { status, json } = await upload(page, file);
      assert.equal(status, 200, JSON.stringify(json));
      assert.equal(json.faces[0]?.quality.dark, true, JSON.stringify(json.faces[0]?.quality));
      assert.match(await page.locator('#quality-warning').innerText(), /^Face (.* \/ )?dark/);
    }));

  test('a file that is not an image shows the API’s error, not a stale result', () =>
    site.withPage('upload-not-image', async (page) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await upload(page, join(PHOTOS, 'happy.jpg'));
      assert.ok(await page.locator('#result').isVisible());
      const bogus = join(RESULTS, 'not-an-image.jpg');
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(bogus, 'this is not an image');
      const { status, json } = await upload(page, bogus);
      assert.equal(status, 415, JSON.stringify(json));
      const error = page.locator('#error');
      assert.ok(await error.isVisible(), 'the error is shown');
      assert.equal(await error.getAttribute('role'), 'alert');
      assert.equal(await page.locator('#error-title').innerText(), 'That file is not a supported image');
      assert.equal(await page.locator('#error-detail').innerText(), json.error.message);
      assert.ok(await page.locator('#result').isHidden(), 'the previous result is gone');
    }));

  test('a damaged JPEG: the API calls it damaged, and the page says so; a clean photo gets no such note', () =>
    site.withPage('upload-damaged', async (page, { errors }) => {
      const raw = await fetch(site.base + '/classify', {
        method: 'POST',
        body: readFileSync(DAMAGED_JPEG),
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal((await raw.json()).damaged, true, 'the API, given the file as it is');
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const { status, json } = await upload(page, DAMAGED_JPEG);
      assert.equal(status, 200, JSON.stringify(json));
      // The page sends the browser's re-encoding, in which the damage no longer shows: the note comes from its check of the original.
      assert.equal(json.damaged, false);
      const note = page.locator('#damaged-note');
      assert.ok(await note.isVisible(), 'the note is shown');
      assert.match(await note.innerText(), /^This image was damaged\./);
      // So damaged that no face is left to find: the note stands beside the answer whatever it is.
      assert.ok(await page.locator('#no-face').isVisible(), 'with the answer');
      await upload(page, join(PHOTOS, 'happy.jpg'));
      assert.ok(await note.isHidden(), 'no note for a clean photo');
      assert.deepEqual(errors, []);
    }));

  test('the group photo: the real worker finds its 4 faces, each drawn with a button, and picking one shows its scores', () =>
    site.withPage('upload-group', async (page) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const { status, json } = await upload(page, join(PHOTOS, 'bbt1.jpg'));
      assert.equal(status, 200, JSON.stringify(json));
      // Faces counted by eye (../shared/photos/SOURCE.md; worker/test/faces.test.ts holds the API to it).
      assert.equal(json.faces?.length, BBT1_FACES, `faces in the answer: ${JSON.stringify(json.faces?.map((f: any) => f.box))}`);
      const boxes = page.locator('svg.overlay .face-box');
      assert.equal(await boxes.count(), BBT1_FACES, 'a box drawn per face');
      // Each face's box is drawn where the answer put it (the preview's pixels: the canvas may be scaled down).
      const [cw, ch] = await page.locator('.frame canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
      const [sx, sy] = [cw / json.image.width, ch / json.image.height];
      for (let i = 0; i < BBT1_FACES; i++) {
        const rect = page.locator(`svg.overlay .face-box[data-face="${i}"] rect`).first();
        const drawn = await rect.evaluate((r) => ['x', 'y', 'width', 'height'].map((k) => Number(r.getAttribute(k))));
        const { x, y, w, h } = json.faces[i].box;
        const want = [x * sx, y * sy, w * sx, h * sy];
        assert.ok(
          drawn.every((v, k) => Math.abs(v - want[k]) <= 1),
          `face ${i + 1}: drawn ${drawn}, answer ${want}`,
        );
      }
      const buttons = page.locator('#face-buttons button');
      assert.equal(await buttons.count(), BBT1_FACES, 'a button per face');
      assert.match(await page.locator('#face-count').innerText(), new RegExp(`^${BBT1_FACES} faces found`));
      assert.equal(await page.locator('#top-emotion').innerText(), capitalize(json.faces[0].emotion));
      await buttons.nth(2).press('Enter');
      assert.equal(await page.locator('#top-emotion').innerText(), capitalize(json.faces[2].emotion));
      assert.equal(await page.locator('#result-label').textContent(), 'Face 3: apparent expression');
      await page.locator('svg.overlay .face-box[data-face="1"] rect').first().click({ force: true });
      assert.equal(await page.locator('#top-emotion').innerText(), capitalize(json.faces[1].emotion));
      assert.equal(await buttons.nth(1).getAttribute('aria-pressed'), 'true');
    }));

  test('no server reachable: a clear message, and the page recovers', () =>
    site.withPage('network-down', async (page) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      await page.route('**/classify', (route) => route.abort('internetdisconnected'));
      await page.locator('#file-input').setInputFiles(join(PHOTOS, 'sad.jpg'));
      await page.locator('#error:not([hidden])').waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('#error-title').innerText(), 'Could not reach the server');
      await page.unroute('**/classify');
      const { status } = await upload(page, join(PHOTOS, 'sad.jpg'));
      assert.equal(status, 200);
      assert.ok(await page.locator('#result').isVisible());
      assert.ok(await page.locator('#error').isHidden());
    }));

  test('the upload page is keyboard-operable and labelled', () =>
    site.withPage('keyboard', async (page) => {
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      let focused = '';
      for (let i = 0; i < 10 && focused !== 'file-input'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.id ?? '');
      }
      assert.equal(focused, 'file-input', 'the file picker is reachable with Tab');
      assert.equal(await page.locator('label[for="file-input"]').innerText(), 'Choose a photo or video');
      assert.equal(await page.locator('#file-input').getAttribute('accept'), 'image/*,video/*');
      assert.equal(await page.locator('#camera-input').getAttribute('capture'), 'user');
    }));

  test('the training page draws its charts as SVG, without JavaScript', () =>
    site.withPage('training', async (page) => {
      await page.goto(site.base + '/training', { waitUntil: 'networkidle' });
      const loss = page.locator('#loss-chart-title').locator('xpath=ancestor::figure').locator('svg.chart-svg');
      const acc = page.locator('#accuracy-chart-title').locator('xpath=ancestor::figure').locator('svg.chart-svg');
      for (const [name, chart, series] of [
        ['loss', loss, 4],
        ['accuracy', acc, 3],
      ] as const) {
        assert.equal(await chart.getAttribute('role'), 'img', `${name} chart is an image to assistive tech`);
        const paths = await chart.locator('path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''));
        assert.equal(paths.length, series, `${name} chart: one line per series`);
        assert.ok(
          paths.every((d) => /^M[\d.]+,[\d.]+/.test(d)),
          `${name} chart: every line has points`,
        );
      }
      // The reference's six published epochs, marked on both of its loss curves and its accuracy curve.
      assert.equal(await loss.locator('circle title', { hasText: '(reference)' }).count(), 12);
      assert.equal(await acc.locator('circle title', { hasText: '(reference)' }).count(), 6);
      if (existsSync(join(MODEL_DIR, 'evaluation.json')) || !existsSync(join(MODEL_DIR, 'metrics.json'))) {
        assert.equal(await page.locator('.matrix-svg rect').count(), CLASSES.length ** 2, 'confusion matrix cells');
        assert.equal(await page.locator('.class-table tbody tr').count(), CLASSES.length, 'a row per class');
      }
      await page.goto(site.base + '/training/model-card', { waitUntil: 'networkidle' });
      const card = await page.locator('main').innerText();
      assert.match(card, /1,054,719/);
      // The committed card's `uncertain` threshold and its accuracy in dim light, as the export measured them.
      const committed = JSON.parse(readFileSync(join(MODEL_DIR, 'model-card.json'), 'utf8'));
      assert.ok(card.includes(`under ${committed.validation.abstention.threshold} is marked`), 'the threshold');
      assert.ok(card.includes(toneFormula(committed.tone)), 'the tone normalization, with its figures');
      const rows = await page.locator('table[aria-labelledby="light-title"] tbody tr').allInnerTexts();
      assert.deepEqual(
        rows.map((r) => r.split('\t')[0].trim()),
        committed.validation.light.map((l: { light: string }) => l.light),
      );
    }));

  test('the API page documents every parameter and error code the served OpenAPI document has', () =>
    site.withPage('api-page', async (page) => {
      const spec = await (await fetch(site.base + '/openapi.json')).json();
      const post = spec.paths['/classify'].post;
      const params: string[] = post.parameters.map((p: { name: string }) => p.name);
      const codes: string[] = spec.components.schemas.Error.properties.error.properties.code.enum;
      assert.ok(params.length >= 4 && codes.length >= 8, `${params} / ${codes}`);
      await page.goto(site.base + '/api', { waitUntil: 'networkidle' });
      const rows = await page
        .locator('tr')
        .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent?.trim() ?? '', tr.textContent ?? '']));
      // Every field of an answer with a face, as the document's schema has it.
      const fields = Object.keys(spec.components.schemas.FaceAnswer.properties);
      assert.ok(fields.includes('landmarks') && fields.includes('uncertain') && fields.includes('pose'), `${fields}`);
      for (const name of [...params, ...codes, ...fields]) {
        const row = rows.find(([head]) => head.replace(/\s+/g, '') === name);
        assert.ok(row, `/api has a row for ${name}`);
        assert.ok(row[1].length > name.length + 10 && !/undefined/.test(row[1]), `/api explains ${name}: ${row[1]}`);
      }
      // The example answer has every field the document requires (the schema's example, shown as it is).
      const example = JSON.parse((await page.locator('#response pre').first().textContent()) ?? '');
      assert.deepEqual(Object.keys(example).sort(), [...spec.components.schemas.FaceAnswer.required].sort());
      assert.deepEqual(Object.keys(example.faces[0]).sort(), [...spec.components.schemas.Face.required].sort());
    }));

  test('the charts are in the HTML: JavaScript off, they still show', async () => {
    const context = await site.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(site.base + '/training');
      assert.ok((await page.locator('svg.chart-svg').count()) >= 2, 'line charts');
      assert.ok(await page.locator('svg.chart-svg').first().isVisible());
    } finally {
      await context.close();
    }
  });

  test('no page is wider than a 390 px phone screen, and none logs an error', () =>
    site.withPage(
      'phone-width',
      async (page, { errors }) => {
        for (const path of ['/', '/training', '/training/model-card', '/api', '/no-such-page']) {
          await page.goto(site.base + path, { waitUntil: 'networkidle' });
          const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
          assert.ok(width <= 390, `${path} is ${width} px wide`);
        }
        await page.goto(site.base + '/', { waitUntil: 'networkidle' });
        await upload(page, join(PHOTOS, 'bbt2.jpg'));
        assert.ok((await page.evaluate(() => document.scrollingElement!.scrollWidth)) <= 390, 'with a result shown');
        assert.deepEqual(errors, []);
      },
      { viewport: { width: 390, height: 844 } },
    ));

  test('the upload works under a strict Content-Security-Policy', () =>
    site.withPage('csp', async (page, { errors }) => {
      const csp =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
      await page.route(
        (url) => !url.pathname.startsWith('/classify'),
        async (route) => {
          const res = await route.fetch();
          await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
        },
      );
      const violations: string[] = [];
      page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
      await page.goto(site.base + '/', { waitUntil: 'networkidle' });
      const { status } = await upload(page, join(PHOTOS, 'surprised.jpg'));
      assert.equal(status, 200);
      assert.ok(await page.locator('#result').isVisible());
      await page.goto(site.base + '/training', { waitUntil: 'networkidle' });
      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
    }));
});
