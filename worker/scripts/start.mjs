// `npm start` (from the repo root): build the site if it can be built, then serve the site and the
// API with `wrangler dev` on http://127.0.0.1:8787 (wrangler.toml [dev]), offline, with the
// committed model. Extra arguments go to wrangler dev (e.g. `npm start -- --port 8790`).
// It runs wrangler.toml's `[env.local]`: the rate limits there are high enough for the test suites and
// the acceptance checks. `npm start -- --env=""` runs the top level instead, with the deployed limits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_ENV } from '@emotion/workerd-harness/offline-env';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sitePkg = join(root, 'site', 'package.json');
if (existsSync(sitePkg) && JSON.parse(readFileSync(sitePkg, 'utf8')).scripts?.build && !process.env.SKIP_SITE_BUILD) {
  const r = spawnSync(npm, ['run', 'build', '-w', 'site', '--if-present'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Workers static assets need the directory; until the site is built the API runs without it.
if (!existsSync(join(root, 'site', 'dist'))) mkdirSync(join(root, 'site', 'dist'), { recursive: true });

for (const f of ['model/scratchcnn.onnx', 'model/model-card.json']) {
  if (!existsSync(join(root, f))) {
    console.error(`missing ${f}: the worker serves the committed model (see training/).`);
    process.exit(1);
  }
}

const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
const args = process.argv.slice(2);
const namesEnv = args.some((a) => a === '-e' || a === '--env' || a.startsWith('--env=') || (a.startsWith('-e') && a.length > 2));
const child = spawn(process.execPath, [wrangler, 'dev', ...(namesEnv ? [] : ['--env', 'local']), ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...OFFLINE_ENV },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
