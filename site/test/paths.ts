import { fileURLToPath } from 'node:url';

/** The repo's site/ folder and the read-only shared data beside the repo. */
export const SITE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** $SHARED_DIR or ../shared beside the repo (core's one resolver). */
export { SHARED_DIR } from '@emotion/core/shared-data';

import { SHARED_DIR } from '@emotion/core/shared-data';
export const PHOTOS = `${SHARED_DIR}/photos`;
export const FIXTURE_MODEL_DIR = fileURLToPath(new URL('./fixtures/model', import.meta.url));
/** A JPEG with garbage inside its scan that libjpeg (and so the browser) decodes around: the API answers it `damaged: true`. */
export const DAMAGED_JPEG = `${REPO_DIR}core/test/fixtures/conformance/pillow/hopper_bad_exif.jpg`;
