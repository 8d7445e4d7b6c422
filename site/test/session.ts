/**
 * What each end-to-end test file of the site needs: the site (E2E_BASE, a server already running,
 * or the file's own build served by the real Worker), one Chromium, and pages that record what went
 * wrong and leave a screenshot when a test fails.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type LaunchedBrowser, type LaunchOptions, launchChromium } from './browser.ts';
import { buildSite } from './build.ts';
import { type ServedSite, serveWithWorker } from './worker.ts';

/** What a page saw: its POSTs to /classify and its errors (uncaught, and console errors but failed loads). */
export interface Seen {
  classify: number;
  errors: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Grant the page the (fake) camera without asking. */
  camera?: boolean;
  /** Open this path of the site before the test's own steps. */
  open?: string;
}

export interface SiteSession {
  /** The site's origin, without a trailing slash. */
  readonly base: string;
  readonly browser: Browser;
  /** Runs `fn` on a fresh page; a failure leaves `<results>/<name>.png`. */
  withPage(name: string, fn: (page: Page, seen: Seen) => Promise<void>, options?: PageOptions): Promise<void>;
}

/**
 * The site and a browser for the enclosing describe (its before and after hooks): `dist` is the
 * file's own build, `results` where screenshots go, `launch` the browser's options, read when the
 * hook runs (after the file's own earlier hooks, which may make a camera clip).
 */
export function siteSession(dist: string, results: string, launch: () => LaunchOptions = () => ({})): SiteSession {
  let worker: ServedSite | undefined;
  let chromium: LaunchedBrowser | undefined;
  let base = process.env.E2E_BASE ?? '';

  before(async () => {
    if (!base) {
      buildSite(dist);
      worker = await serveWithWorker(dist);
      base = worker.url;
    }
    chromium = await launchChromium(launch());
  });

  after(async () => {
    await chromium?.close();
    await worker?.dispose();
  });

  const session: SiteSession = {
    get base() {
      return base;
    },
    get browser() {
      if (!chromium) throw new Error('the browser starts in the before hook');
      return chromium.browser;
    },
    async withPage(name, fn, options = {}) {
      const context = await session.browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 900 },
        acceptDownloads: true,
      });
      if (options.camera) await context.grantPermissions(['camera'], { origin: base });
      const page = await context.newPage();
      const seen: Seen = { classify: 0, errors: [] };
      page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/classify' && seen.classify++);
      page.on('pageerror', (e) => seen.errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) seen.errors.push(m.text());
      });
      try {
        if (options.open !== undefined) await page.goto(base + options.open, { waitUntil: 'networkidle' });
        await fn(page, seen);
      } catch (e) {
        mkdirSync(results, { recursive: true });
        const file = join(results, `${name.replace(/\W+/g, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.log(`# screenshot of the failure: ${file}`);
        throw e;
      } finally {
        await context.close();
      }
    },
  };
  return session;
}
