/**
 * Node-only: where the repository and the read-only shared data (../shared beside the repository:
 * fer2013/, photos/, photos-dev/, MODEL.md) are. The one resolver of that path, honouring one
 * environment variable, SHARED_DIR.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** The shared data: $SHARED_DIR, or ../shared beside the repository. */
export const SHARED_DIR = process.env.SHARED_DIR ?? join(REPO_DIR, '..', 'shared');

/** A path inside the shared data. */
export const sharedPath = (...parts: string[]) => join(SHARED_DIR, ...parts);

/**
 * For node:test's `skip` option, for a test that needs `path` of the shared data: false when it is
 * there; when missing, a failure under CI=true and a skip with a message otherwise.
 */
export function sharedSkip(path: string): false | string {
  if (existsSync(path)) return false;
  const msg = `${path} not found (set SHARED_DIR or check out ../shared beside the repository)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${msg}`);
  return msg;
}
