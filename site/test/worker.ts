/**
 * The real Worker (wrangler.toml at the repo root, the committed model) as it ships, in workerd,
 * serving a site build of the test's own: other people's builds of site/dist, which `npm start` and
 * the worker's tests also write, cannot change it under the test. Ephemeral port on 127.0.0.1, offline.
 */
import { join } from 'node:path';
import { startWorker } from '@emotion/workerd-harness';
import { REPO_DIR } from './paths.ts';

export interface ServedSite {
  url: string;
  dispose(): Promise<void>;
}

export async function serveWithWorker(assetsDir: string): Promise<ServedSite> {
  // As `npm start`: [env.local]'s rate limits are too high for the tests to meet.
  const worker = await startWorker({ config: join(REPO_DIR, 'wrangler.toml'), env: 'local', assetsDir });
  return { url: worker.url.replace(/\/$/, ''), dispose: () => worker.dispose() };
}
