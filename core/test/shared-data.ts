/**
 * The one rule for tests that need ../shared (core/src/shared-data.ts), with the photo paths every
 * workspace's tests use (worker/test/shared-data.ts, site/test/paths.ts re-export it).
 */
import { join } from 'node:path';
import { requireOrSkip, SHARED_DIR, sharedSkip } from '../src/shared-data.ts';

export { requireOrSkip, sharedSkip };
export const SHARED = SHARED_DIR;
export const SHARED_PHOTOS = join(SHARED, 'photos');

/** Skip reason (or CI failure) when the shared photos are missing. */
export const sharedPhotosSkip = (): false | string => sharedSkip(join(SHARED_PHOTOS, 'SOURCE.md'));
