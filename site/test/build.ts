/** A site build of a test's own (other builds of site/dist cannot change it under the test). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FIXTURE_MODEL_DIR, REPO_DIR, SITE_DIR } from './paths.ts';

export const MODEL_DIR = join(REPO_DIR, 'model');

export function buildSite(outDir: string): void {
  // The committed run when there is one; else the sample run, so the training pages have charts.
  const modelDir = existsSync(join(MODEL_DIR, 'metrics.json')) ? MODEL_DIR : FIXTURE_MODEL_DIR;
  if (modelDir !== MODEL_DIR) console.log(`# no model/metrics.json: building the training pages from ${modelDir}`);
  const astro = join(dirname(createRequire(join(SITE_DIR, 'package.json')).resolve('astro/package.json')), 'astro.js');
  const r = spawnSync(process.execPath, [astro, 'build', '--silent'], {
    cwd: SITE_DIR,
    env: { ...process.env, MODEL_DIR: modelDir, SITE_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `astro build failed:\n${r.stdout}\n${r.stderr}`);
}
