/**
 * Runs the real Worker (wrangler.toml at the repo root, the committed model) in workerd through
 * wrangler's unstable_startWorker, on an ephemeral port of 127.0.0.1, offline.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_startWorker } from 'wrangler';
import { goOffline } from '../scripts/offline-env.mjs';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = join(REPO, '..', 'shared');
export const PHOTOS = join(SHARED, 'photos');
export const FER_TEST = join(SHARED, 'fer2013', 'test');
export const MODEL_PATH = join(REPO, 'model', 'scratchcnn.onnx');

export interface RunningWorker {
  url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/**
 * Starts the Worker. The static assets come from an empty directory of its own (or `assetsDir`), so
 * that the API under test does not depend on (or restart with) a site build happening beside it.
 */
export async function startWorker(vars: Record<string, string> = {}, assetsDir?: string): Promise<RunningWorker> {
  goOffline();
  const dist = join(REPO, 'site', 'dist');
  if (!existsSync(dist)) mkdirSync(dist, { recursive: true });
  const assets = assetsDir ?? mkdtempSync(join(tmpdir(), 'emotion-assets-'));
  const bindings = Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { type: 'plain_text' as const, value }]));
  const worker = await unstable_startWorker({
    config: join(REPO, 'wrangler.toml'),
    assets,
    bindings,
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: false, watch: false, logLevel: (process.env.WORKER_LOG_LEVEL as 'error' | undefined) ?? 'error' },
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
