/**
 * Tests that need ../shared (photos, FER2013 crops): they fail when CI=true and the data is missing,
 * and are skipped with a message otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PHOTOS } from './harness.ts';

export function photosSkip(): false | string {
  if (existsSync(join(PHOTOS, 'SOURCE.md'))) return false;
  const msg = `test photos not found at ${PHOTOS} (check out ../shared)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${msg}`);
  return msg;
}
