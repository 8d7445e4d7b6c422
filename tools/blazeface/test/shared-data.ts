/**
 * Tests that need ../shared/photos: they fail when CI=true and the data is missing, and are
 * skipped with a message otherwise.
 */
import { hasPhotos, PHOTOS_DIR } from '../src/paths.ts';

export function photosSkip(): false | string {
  if (hasPhotos()) return false;
  const msg = `test photos not found at ${PHOTOS_DIR} (set SHARED_DIR or check out ../shared)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${msg}`);
  return msg;
}
