/** Test support: the shared photos, the real Worker in workerd, running a command, comparing answers. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifyResponse } from '@emotion/core/api';
import { CLASSES } from '@emotion/core/classes';
import { sharedPath, sharedSkip } from '@emotion/core/shared-data';
import { type Bindings, type RunningWorker, startWorker as startBundle } from '@emotion/workerd-harness';
import { REPO_DIR } from './install.ts';

export const PHOTOS_DEV = sharedPath('photos-dev');
/** False when ../shared/photos-dev is there; else the skip reason (a failure under CI=true). */
export const photosSkip = (): false | string => sharedSkip('photos-dev');
export const photoFiles = (): string[] =>
  readdirSync(PHOTOS_DEV)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort()
    .map((n) => join(PHOTOS_DEV, n));

/** The Worker as it ships, [env.local] as `npm start` (no keys unless `bindings` sets them). */
export const startWorker = (bindings: Bindings = {}): Promise<RunningWorker> =>
  startBundle({ config: join(REPO_DIR, 'wrangler.toml'), env: 'local', vars: { API_KEYS: '', REQUIRE_API_KEY: 'false' }, bindings });

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const SCORE_TOLERANCE = 1e-4;

/** Same faces (count, boxes within a thousandth of a pixel, labels) and scores within 1e-4. */
export function assertSameAnswer(actual: ClassifyResponse, expected: ClassifyResponse, what: string): void {
  assert.equal(actual.faces.length, expected.faces.length, `${what}: face count`);
  assert.equal(actual.source, expected.source, `${what}: source`);
  assert.deepEqual(actual.image, expected.image, `${what}: image size`);
  actual.faces.forEach((f, i) => {
    const e = expected.faces[i];
    for (const k of ['x', 'y', 'w', 'h'] as const)
      assert.ok(Math.abs(f.box[k] - e.box[k]) < 1e-3, `${what} face ${i}: box.${k} ${f.box[k]} vs ${e.box[k]}`);
    assert.equal(f.emotion, e.emotion, `${what} face ${i}: label`);
    assert.equal(f.uncertain, e.uncertain, `${what} face ${i}: uncertain`);
    for (const c of CLASSES)
      assert.ok(Math.abs(f.scores[c] - e.scores[c]) <= SCORE_TOLERANCE, `${what} face ${i}: ${c} ${f.scores[c]} vs ${e.scores[c]}`);
  });
  assert.equal(actual.emotion, expected.emotion, `${what}: top label`);
}
