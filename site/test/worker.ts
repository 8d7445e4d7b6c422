/**
 * The real Worker (wrangler.toml at the repo root, the committed model) in workerd, serving a site
 * build of the test's own: other people's builds of site/dist, which `npm start` and the worker's
 * tests also write, cannot change it under the test. Ephemeral port on 127.0.0.1, offline.
 */
import { join } from 'node:path';
import { unstable_startWorker } from 'wrangler';
import { goOffline } from '../../worker/scripts/offline-env.mjs';
import { REPO_DIR } from './paths.ts';

export interface ServedSite {
  url: string;
  dispose(): Promise<void>;
}

export async function serveWithWorker(assetsDir: string): Promise<ServedSite> {
  goOffline();
  const worker = await unstable_startWorker({
    config: join(REPO_DIR, 'wrangler.toml'),
    // As `npm start`: [env.local]'s rate limits are too high for the tests to meet.
    env: 'local',
    assets: assetsDir,
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: false, watch: false, logLevel: 'error' },
  });
  await worker.ready;
  return { url: (await worker.url).toString().replace(/\/$/, ''), dispose: () => worker.dispose() };
}
