/**
 * The one rule for tests that need ../shared (photos, FER2013): under CI=true missing data fails the
 * run; elsewhere the test is skipped with the reason printed. Every workspace's tests use this helper
 * (worker/test/shared-data.ts, site/test/paths.ts re-export it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** ../shared beside the repository (EMOTION_SHARED overrides). */
export const SHARED = process.env.EMOTION_SHARED ?? join(import.meta.dirname, '../../../shared');
export const SHARED_PHOTOS = join(SHARED, 'photos');

/** A prerequisite of a test: `false` when present, else the skip reason (or a throw under CI=true). */
export function requireOrSkip(present: boolean, what: string): false | string {
  if (present) return false;
  const msg = `skipped: ${what} is missing`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${what} is missing`);
  console.log(`# ${msg}`);
  return msg;
}

/** Skip reason (or CI failure) when the shared photos are missing. */
export function sharedPhotosSkip(): false | string {
  return requireOrSkip(existsSync(join(SHARED_PHOTOS, 'SOURCE.md')), `the test photos at ${SHARED_PHOTOS} (check out ../shared)`);
}

/** The same for any path under ../shared (e.g. 'fer2013/test'). */
export function sharedSkip(path: string): false | string {
  return requireOrSkip(existsSync(join(SHARED, path)), `${join(SHARED, path)} (check out ../shared)`);
}
