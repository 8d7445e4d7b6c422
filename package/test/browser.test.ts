/**
 * The installed package bundled into a page (esbuild picks its `browser` export) and run in
 * headless Chromium: onnxruntime-web's WebAssembly and both models loaded by URL from a local
 * server, a photo analyzed as a Blob, and as canvas pixels (ImageData). The Blob's answer must be
 * the Node analyzer's (onnxruntime-node) on the same bytes: same faces and labels, scores within 1e-4.
 * The client's downscaling sends a JPEG of at most its maxSide to a local /classify (answered by the Node analyzer).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ClassifyResponse } from '@emotion/core/api';
import { readImageSize, sniffFormat } from '@emotion/core/open';
import { CHROMIUM, chromiumSkip } from '@emotion/core/testing/tools';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { assertSameAnswer, PHOTOS_DEV, photosSkip } from './helpers.ts';
import { type Installed, installPackage } from './install.ts';

const skip = photosSkip() || chromiumSkip();
const PHOTO = join(PHOTOS_DEV, 'happy_01.jpg');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.html': 'text/html',
};

let inst: Installed;
let server: Server;
let base = '';
let browser: Browser;
const uploads: Buffer[] = [];
let api: { analyze(b: Uint8Array): Promise<unknown>; close(): Promise<void> } | undefined;

before(async () => {
  if (skip) return;
  inst = installPackage();
  writeFileSync(
    join(inst.dir, 'page.js'),
    `import { createAnalyzer, createClient } from 'emotion-edge';
window.classifyDownscaled = async (url, maxSide) => createClient({ baseUrl: location.origin, maxSide }).classify(await (await fetch(url)).blob());
const analyzer = createAnalyzer({ modelBaseUrl: '/models/', wasmPaths: '/ort/' });
window.analyzeBlob = async (url) => analyzer.analyze(await (await fetch(url)).blob());
window.analyzePixels = async (url) => {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  return analyzer.analyze(ctx.getImageData(0, 0, bitmap.width, bitmap.height));
};
`,
  );
  await build({
    entryPoints: [join(inst.dir, 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(inst.dir, 'www', 'page.js'),
    absWorkingDir: inst.dir,
    logLevel: 'error',
  });
  // The page, its bundle, the package's models, onnxruntime-web's WebAssembly, the photo.
  const routes: [string, string][] = [
    ['/models/', join(inst.pkg, 'models')],
    ['/ort/', join(inst.dir, 'node_modules', 'onnxruntime-web', 'dist')],
    ['/', join(inst.dir, 'www')],
  ];
  writeFileSync(join(inst.dir, 'www', 'index.html'), '<!doctype html><script type="module" src="/page.js"></script>');
  // POST /classify: the upload is recorded and answered by the installed package's Node analyzer.
  const { createAnalyzer } = (await import(pathToFileURL(join(inst.pkg, 'dist', 'index.js')).href)) as typeof import('../src/index.ts');
  api = createAnalyzer();
  server = createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        uploads.push(Buffer.concat(chunks));
        const answer = await api?.analyze(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file =
      path === '/photo.jpg'
        ? PHOTO
        : (() => {
            const [prefix, dir] = routes.find(([p]) => path.startsWith(p)) ?? ['/', ''];
            return join(dir, normalize(path.slice(prefix.length) || 'index.html').replace(/^(\.\.\/)+/, ''));
          })();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.close();
  await api?.close();
});

test('bundled into a page, the analyzer runs in Chromium and answers as onnxruntime-node does', { skip }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => 'analyzeBlob' in window);
  const inBrowser = (await page.evaluate(
    (u) => (window as unknown as { analyzeBlob(u: string): Promise<unknown> }).analyzeBlob(u),
    '/photo.jpg',
  )) as ClassifyResponse;
  const { createAnalyzer } = (await import(pathToFileURL(join(inst.pkg, 'dist', 'index.js')).href)) as typeof import('../src/index.ts');
  const analyzer = createAnalyzer();
  const inNode = await analyzer.analyze(readFileSync(PHOTO));
  await analyzer.close();
  assertSameAnswer(inBrowser, inNode, 'Chromium vs Node');
  assert.equal(inBrowser.faces.length, 1);
  assert.ok(inBrowser.timings.model_load !== undefined, 'the first answer loaded the models');

  // Canvas pixels: the browser's own JPEG decoder, so the same face and label, not the same digits.
  const pixels = (await page.evaluate(
    (u) => (window as unknown as { analyzePixels(u: string): Promise<unknown> }).analyzePixels(u),
    '/photo.jpg',
  )) as ClassifyResponse;
  assert.equal(pixels.faces.length, 1);
  assert.equal(pixels.emotion, inNode.emotion);
  assert.deepEqual(pixels.image, inNode.image);

  // The client's in-browser downscaling: a JPEG of at most maxSide px is what goes up.
  const small = (await page.evaluate(
    ([u, side]) =>
      (window as unknown as { classifyDownscaled(u: string, s: number): Promise<unknown> }).classifyDownscaled(u as string, side as number),
    ['/photo.jpg', 512],
  )) as ClassifyResponse;
  const sent = uploads.at(-1) as Buffer;
  assert.equal(sniffFormat(sent), 'jpeg');
  const size = readImageSize(sent, 'jpeg');
  assert.equal(Math.max(size?.width ?? 0, size?.height ?? 0), 512);
  assert.ok(sent.length < readFileSync(PHOTO).length / 3, `${sent.length} bytes sent`);
  assert.deepEqual(small.image, size);
  assert.equal(small.faces.length, 1);
  assert.equal(small.emotion, inNode.emotion);
  assert.deepEqual(errors, []);
  await page.close();
});
