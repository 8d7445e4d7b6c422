// Builds the package from its sources and core's (bundled in, not forked): dist/*.js with esbuild,
// the .d.ts with tsc (core's declarations beside the package's, their '@emotion/core' imports
// rewritten to relative paths: core is not published), and models/ from the repository's model/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(PKG, '..');
const DIST = join(PKG, 'dist');
const TYPES = join(DIST, 'types');

rmSync(DIST, { recursive: true, force: true });
rmSync(join(PKG, 'models'), { recursive: true, force: true });

const external = ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-web/wasm', 'cli-progress'];
const common = { bundle: true, format: 'esm', target: 'es2022', external, logLevel: 'warning', legalComments: 'none', sourcemap: false };
// esbuild's ESM output for Node keeps require() of CJS dependencies (pako) working with this banner.
const nodeBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
await Promise.all([
  build({
    ...common,
    platform: 'node',
    entryPoints: { index: 'src/index.ts' },
    outdir: DIST,
    banner: { js: nodeBanner },
    absWorkingDir: PKG,
  }),
  build({
    ...common,
    platform: 'node',
    entryPoints: { cli: 'src/cli/main.ts', 'cli-job': 'src/cli/job.ts' },
    outdir: DIST,
    banner: { js: `#!/usr/bin/env node\n${nodeBanner}` },
    absWorkingDir: PKG,
  }),
  build({ ...common, platform: 'browser', entryPoints: { browser: 'src/browser.ts' }, outdir: DIST, absWorkingDir: PKG }),
  build({
    ...common,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    entryPoints: { client: 'src/client/index.ts' },
    outdir: DIST,
    absWorkingDir: PKG,
  }),
]);

execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(PKG, 'tsconfig.types.json')], {
  stdio: 'inherit',
});

// core's package.json exports, as paths under dist/types/core/src.
const CORE_SUBPATHS = {
  '': 'index',
  '/faces': 'faces/index',
  '/api': 'api/index',
  '/emotion': 'emotion/index',
  '/timeline': 'timeline/index',
};
const coreTarget = (sub) => CORE_SUBPATHS[sub] ?? sub.slice(1);
function rewrite(file) {
  const fromDir = dirname(file);
  const text = readFileSync(file, 'utf8')
    .replace(/(['"])@emotion\/core((?:\/[\w./-]+)?)\1/g, (_, q, sub) => {
      let rel = relative(fromDir, join(TYPES, 'core/src', `${coreTarget(sub)}.js`));
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${q}${rel}${q}`;
    })
    .replace(/(['"])(\.{1,2}\/[^'"]+)\.ts\1/g, '$1$2.js$1');
  writeFileSync(file, text);
}
const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
for (const f of walk(TYPES)) if (f.endsWith('.d.ts')) rewrite(f);

mkdirSync(join(PKG, 'models'));
for (const m of ['scratchcnn.onnx', 'blazeface.onnx']) copyFileSync(join(REPO, 'model', m), join(PKG, 'models', m));
console.error(`built ${relative(REPO, DIST)} and ${relative(REPO, join(PKG, 'models'))}`);
