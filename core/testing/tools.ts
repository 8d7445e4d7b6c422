/**
 * Debian's programs that tests and benches use as independent references (libjpeg-turbo's cjpeg
 * and djpeg, ffmpeg) or drive (Chromium): whether one is installed, and the one rule for a test that
 * needs it (a failure under CI=true, a skip with the reason elsewhere).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { requireOrSkip } from '../src/shared-data.ts';

/** The Debian package of each program. */
export const DEBIAN_PACKAGE = { cjpeg: 'libjpeg-turbo-progs', djpeg: 'libjpeg-turbo-progs', ffmpeg: 'ffmpeg' } as const;
export type Tool = keyof typeof DEBIAN_PACKAGE;

/** Whether `tool` runs (its version flag answers without error). */
export function hasTool(tool: Tool): boolean {
  const r = spawnSync(tool, ['-version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** The Chromium that browser tests drive through playwright-core: $CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** false when Chromium is installed; else the reason to skip (or, under CI=true, an error). */
export const chromiumSkip = (): false | string => requireOrSkip(existsSync(CHROMIUM), `Chromium (${CHROMIUM}; apt-get install chromium)`);

/** false when `tool` is installed; else the reason to skip (or, under CI=true, an error). */
export function toolSkip(tool: Tool): false | string {
  return requireOrSkip(hasTool(tool), `${tool} (apt-get install ${DEBIAN_PACKAGE[tool]})`);
}
