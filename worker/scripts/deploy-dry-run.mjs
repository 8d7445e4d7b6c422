// `npm run deploy:dry-run`: what `npm run deploy` would upload, without uploading (no login needed):
// builds the site, runs `wrangler deploy --dry-run` for the top level of wrangler.toml (the deployed
// environment, as `npm run deploy` does) and prints the bundle's compressed size against the free and
// paid plans' limits. Exits 1 when it fits neither.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_ENV } from '@emotion/workerd-harness/offline-env';
import { describeBundle, measureBundle, SIZE_LIMITS } from './bundle-size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!process.env.SKIP_SITE_BUILD) {
  const r = spawnSync(npm, ['run', 'build', '-w', 'site', '--if-present'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
const out = mkdtempSync(join(tmpdir(), 'emotion-edge-deploy-'));
try {
  const r = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--env=', '--outdir', out, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...OFFLINE_ENV },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const size = measureBundle(out);
  console.log(`\n${describeBundle(size)}`);
  if (size.gzip > SIZE_LIMITS.paid) process.exit(1);
  console.log('Deploy it: npx wrangler login (once), then npm run deploy');
} finally {
  rmSync(out, { recursive: true, force: true });
}
