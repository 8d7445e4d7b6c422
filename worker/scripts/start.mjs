// `npm start` (from the repo root): build the site if it can be built, then serve the site and the
// API with `wrangler dev` on http://127.0.0.1:8787 (wrangler.toml [dev]), offline. Its own options:
//   --model <folder>   serve an exported model (npm run export -w training writes <run>/export/)
//                      instead of the committed model/, which stays untouched
//   --require-key      POST /classify needs an API key (the digests in .dev.vars' API_KEYS)
// Other arguments go to wrangler dev (e.g. `npm start -- --port 8790`).
// It runs wrangler.toml's `[env.local]`: the rate limits there are high enough for the test suites and
// the acceptance checks. `npm start -- --env=""` runs the top level instead, with the deployed limits.
// Local secrets and settings go in .dev.vars at the repo root (read in every environment; wrangler.toml's
// top-level [vars] are not: [env.local] replaces them).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFFLINE_ENV } from '@emotion/workerd-harness/offline-env';
import { stageModel } from './serve-model.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Paths typed after `npm start --` resolve against where they were typed (npm's INIT_CWD).
const typedIn = process.env.INIT_CWD || process.cwd();
process.chdir(root);

/** Takes `--name value` or `--name=value` (or a bare flag when `takesValue` is false) out of `args`. */
function takeOption(args, name, takesValue) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args.splice(i, takesValue ? 2 : 1)[1] ?? true;
    if (takesValue && args[i].startsWith(`${name}=`)) return args.splice(i, 1)[0].slice(name.length + 1);
  }
  return undefined;
}
const args = process.argv.slice(2);
const modelOption = takeOption(args, '--model', true);
const requireKey = takeOption(args, '--require-key', false) === true;
if (modelOption === true) {
  console.error('--model needs a folder, e.g. npm start -- --model training/runs/<run>/export');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sitePkg = join(root, 'site', 'package.json');
if (existsSync(sitePkg) && JSON.parse(readFileSync(sitePkg, 'utf8')).scripts?.build && !process.env.SKIP_SITE_BUILD) {
  const r = spawnSync(npm, ['run', 'build', '-w', 'site', '--if-present'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Workers static assets need the directory; until the site is built the API runs without it.
if (!existsSync(join(root, 'site', 'dist'))) mkdirSync(join(root, 'site', 'dist'), { recursive: true });

let entry = [];
if (modelOption) {
  const dir = resolve(typedIn, modelOption);
  try {
    entry = [stageModel(root, dir)];
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`Serving the model in ${dir} (model/ is untouched; without --model, npm start serves model/).`);
}
for (const f of ['model/scratchcnn.onnx', 'model/model-card.json']) {
  if (!existsSync(join(root, f))) {
    console.error(`missing ${f}: the worker serves the committed model (see training/).`);
    process.exit(1);
  }
}

const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
if (requireKey) {
  args.push('--var', 'REQUIRE_API_KEY:true');
  const devVars = join(root, '.dev.vars');
  if (!existsSync(devVars) || !/^API_KEYS=./m.test(readFileSync(devVars, 'utf8')))
    console.warn(
      '--require-key: .dev.vars has no API_KEYS, so every request will be refused; `npm run api-key -w worker` makes a key and says what to add.',
    );
}
const namesEnv = args.some((a) => a === '-e' || a === '--env' || a.startsWith('--env=') || (a.startsWith('-e') && a.length > 2));
const child = spawn(process.execPath, [wrangler, 'dev', ...entry, ...(namesEnv ? [] : ['--env', 'local']), ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...OFFLINE_ENV },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
