/**
 * Tests that need ../shared (photos, FER2013 crops): they fail when CI=true and the data is missing,
 * and are skipped with a message otherwise (the one rule: core/src/shared-data.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireOrSkip } from '@emotion/core/shared-data';
import { FER_TEST, PHOTOS } from './harness.ts';

export { requireOrSkip };

export function photosSkip(): false | string {
  return requireOrSkip(existsSync(join(PHOTOS, 'SOURCE.md')), `the test photos at ${PHOTOS} (check out ../shared)`);
}

export function ferSkip(): false | string {
  return requireOrSkip(existsSync(FER_TEST), `the FER2013 test crops at ${FER_TEST} (check out ../shared)`);
}
