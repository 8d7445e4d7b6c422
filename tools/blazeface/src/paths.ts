/** Where the repository's files and the shared test data are, seen from this package. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const DETECTOR_MODEL_PATH = join(REPO_ROOT, 'model', 'blazeface.onnx');
/** EMOTION_MODEL overrides it, e.g. with a newer export of a running training in a temporary folder. */
export const EMOTION_MODEL_PATH = process.env.EMOTION_MODEL ?? join(REPO_ROOT, 'model', 'scratchcnn.onnx');
/** $SHARED_DIR or ../shared beside the repo (core's one resolver). */
export { SHARED_DIR } from '@emotion/core/shared-data';

import { SHARED_DIR } from '@emotion/core/shared-data';
export const PHOTOS_DIR = join(SHARED_DIR, 'photos');

export const hasPhotos = () => existsSync(join(PHOTOS_DIR, 'SOURCE.md'));
