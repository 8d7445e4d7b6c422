/**
 * Node-only: where the repository and the read-only shared data (../shared beside the repository:
 * fer2013/, photos/, photos-dev/, MODEL.md) are. The one resolver of that path, honouring one
 * environment variable, SHARED_DIR; and the one rule for tests that need it: under CI=true missing
 * data fails the run, elsewhere the test is skipped with the reason printed.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** The shared data: $SHARED_DIR, or ../shared beside the repository. */
export const SHARED_DIR = process.env.SHARED_DIR ?? join(REPO_DIR, '..', 'shared');

/** A path inside the shared data. */
export const sharedPath = (...parts: string[]) => join(SHARED_DIR, ...parts);

/** A prerequisite of a test, for node:test's `skip`: false when present, else the printed skip reason (a throw under CI=true). */
export function requireOrSkip(present: boolean, what: string): false | string {
  if (present) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${what} is missing`);
  const msg = `skipped: ${what} is missing`;
  console.log(`# ${msg}`);
  return msg;
}

/** The same for a path of the shared data (absolute, or relative to it: 'fer2013/test'). */
export function sharedSkip(path: string): false | string {
  const p = isAbsolute(path) ? path : join(SHARED_DIR, path);
  return requireOrSkip(existsSync(p), `${p} (set SHARED_DIR or check out ../shared beside the repository)`);
}
