/** Debian's Chromium, headless, driven by playwright-core (no browser download needed). */
import { execFileSync } from 'node:child_process';
import { CHROMIUM } from '@emotion/core/testing/tools';
import { type Browser, chromium } from 'playwright-core';

export { CHROMIUM };

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** A Y4M clip for Chromium's fake camera (see fakeCameraClip); camera access is then granted without asking. */
  fakeCamera?: string;
  /** More command-line switches (e.g. a fake camera device without the fake permission UI). */
  args?: string[];
}

/** Playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it on close. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const camera = options.fakeCamera
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.fakeCamera}`]
    : [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...camera,
      ...(options.args ?? []),
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

/**
 * A second of `photo` at 30 fps, 640x360, as Y4M (it carries its frame rate; Chromium loops it), made
 * with Debian's ffmpeg: what the fake camera shows.
 */
export function fakeCameraClip(photo: string, out: string): string {
  execFileSync('ffmpeg', [
    ...['-y', '-loglevel', 'error', '-loop', '1', '-i', photo],
    ...['-t', '1', '-r', '30', '-vf', 'scale=640:360,format=yuv420p', '-f', 'yuv4mpegpipe', out],
  ]);
  return out;
}
