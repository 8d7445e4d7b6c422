/** Test helpers: the shared data folder, and a rule for tests that need it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '@emotion/core/shared-data';

/** $SHARED_DIR or ../shared beside the repo (core's one resolver). */
export const SHARED = SHARED_DIR;
export const FER = join(SHARED, 'fer2013');

/**
 * For node:test's `skip` option: in CI (CI=true) a missing ../shared must fail the test, so this
 * throws; elsewhere the test is skipped with a message saying what is missing.
 */
export function needsShared(path = FER): string | false {
  if (existsSync(path)) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${path} is missing: ../shared must be beside the repo`);
  return `needs ${path} (the shared FER2013 data), which is missing here`;
}
