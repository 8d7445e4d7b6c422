/**
 * Runs the real Worker (wrangler.toml at the repo root, the committed model) in workerd through
 * wrangler's unstable_startWorker, on an ephemeral port of 127.0.0.1, offline. It runs `[env.local]`,
 * as `npm start` does: the rate limits there are too high for any suite to meet.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_DIR } from '@emotion/core/shared-data';
import { unstable_startWorker } from 'wrangler';
import { goOffline } from '../scripts/offline-env.mjs';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** $SHARED_DIR or ../shared beside the repo (core's one resolver). */
export const SHARED = SHARED_DIR;
export const PHOTOS = join(SHARED, 'photos');
export const FER_TEST = join(SHARED, 'fer2013', 'test');
export const MODEL_PATH = join(REPO, 'model', 'scratchcnn.onnx');

export interface RunningWorker {
  url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export type Bindings = NonNullable<Parameters<typeof unstable_startWorker>[0]['bindings']>;

/**
 * Starts the Worker. The static assets come from an empty directory of its own (or `assetsDir`), so
 * that the API under test does not depend on (or restart with) a site build happening beside it.
 * `vars` are plain-text bindings; `bindings` any others (e.g. a rate limiter with a low limit).
 * API keys are off unless a test sets them: a developer's .dev.vars does not reach the tests.
 */
export async function startWorker(vars: Record<string, string> = {}, assetsDir?: string, bindings: Bindings = {}): Promise<RunningWorker> {
  goOffline();
  const dist = join(REPO, 'site', 'dist');
  if (!existsSync(dist)) mkdirSync(dist, { recursive: true });
  const assets = assetsDir ?? mkdtempSync(join(tmpdir(), 'emotion-assets-'));
  const all = { API_KEYS: '', REQUIRE_API_KEY: 'false', ...vars };
  const plain = Object.fromEntries(Object.entries(all).map(([k, value]) => [k, { type: 'plain_text' as const, value }]));
  const worker = await unstable_startWorker({
    config: join(REPO, 'wrangler.toml'),
    env: 'local',
    assets,
    bindings: { ...plain, ...bindings },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: false,
      watch: false,
      logLevel: (process.env.WORKER_LOG_LEVEL as 'error' | undefined) ?? 'error',
    },
  });
  await worker.ready;
  const url = (await worker.url).toString();
  return {
    url,
    fetch: (path, init) => fetch(new URL(path, url), init),
    dispose: async () => {
      await worker.dispose();
      if (!assetsDir) rmSync(assets, { recursive: true, force: true });
    },
  };
}
