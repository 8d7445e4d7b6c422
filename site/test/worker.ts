/**
 * The real Worker (wrangler.toml at the repo root, the committed model) as it ships, in workerd,
 * serving a site build of the test's own: other people's builds of site/dist, which `npm start` and
 * the worker's tests also write, cannot change it under the test. Ephemeral port on 127.0.0.1, offline.
 */
import { join } from 'node:path';
import { startWorker } from '@emotion/workerd-harness';
import { buildSite } from './build.ts';
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

/**
 * The site the benches measure: $BASE when set (a running `npm start` or deployment, left running),
 * otherwise a build of their own in `outDir/dist` served as serveWithWorker does.
 */
export async function siteUnderTest(outDir: string): Promise<ServedSite> {
  if (process.env.BASE) return { url: process.env.BASE, dispose: async () => {} };
  buildSite(join(outDir, 'dist'));
  return serveWithWorker(join(outDir, 'dist'));
}
