/**
 * Tests that need ../shared/photos: they fail when CI=true and the data is missing, and are
 * skipped with a message otherwise (the one rule: core/src/shared-data.ts).
 */
import { requireOrSkip } from '@emotion/core/shared-data';
import { hasPhotos, PHOTOS_DIR } from '../src/paths.ts';

export function photosSkip(): false | string {
  return requireOrSkip(hasPhotos(), `the test photos at ${PHOTOS_DIR} (set SHARED_DIR or check out ../shared)`);
}
