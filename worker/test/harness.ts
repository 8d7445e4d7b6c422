/**
 * Runs the real Worker (wrangler.toml at the repo root, the committed model) as it ships: the
 * `wrangler deploy --dry-run` bundle in workerd through miniflare (`@emotion/workerd-harness`), on an
 * ephemeral port of 127.0.0.1, offline. It runs `[env.local]`, as `npm start` does: the rate limits
 * there are too high for any suite to meet.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_DIR } from '@emotion/core/shared-data';
import { type Bindings, type RunningWorker, startWorker as startBundle } from '@emotion/workerd-harness';

export type { Bindings, RunningWorker };

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONFIG = join(REPO, 'wrangler.toml');
/** $SHARED_DIR or ../shared beside the repo (core's one resolver). */
export const SHARED = SHARED_DIR;
export const PHOTOS = join(SHARED, 'photos');
export const FER_TEST = join(SHARED, 'fer2013', 'test');
export const MODEL_PATH = join(REPO, 'model', 'scratchcnn.onnx');

/**
 * Starts the Worker. The static assets come from an empty directory of its own (or `assetsDir`), so
 * that the API under test does not depend on a site build happening beside it. `vars` are plain-text
 * bindings; `bindings` any others (e.g. a rate limiter with a low limit). API keys are off unless a
 * test sets them: a developer's .dev.vars does not reach the tests.
 */
export function startWorker(vars: Record<string, string> = {}, assetsDir?: string, bindings: Bindings = {}): Promise<RunningWorker> {
  return startBundle({
    config: CONFIG,
    env: 'local',
    vars: { API_KEYS: '', REQUIRE_API_KEY: 'false', ...vars },
    assetsDir,
    bindings,
  });
}
