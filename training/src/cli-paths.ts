/**
 * Paths on the command line and in run folders. A path the user typed resolves against the
 * directory they typed it in: `npm run -w training` runs the script inside training/, so npm's
 * INIT_CWD (where npm was started) comes first, then the process's own directory. A path a run
 * folder records (metrics.json's data, init and parent folders) is relative to this package
 * when inside it, so a committed run resumes and exports on any clone.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The training package's folder (training/). */
export const TRAINING_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The repository's root. */
export const REPO_ROOT = dirname(TRAINING_DIR);

/** A path as typed from the repo root (where `npm start` and git commands run): relative when inside it. */
export function fromRoot(abs: string): string {
  const rel = relative(REPO_ROOT, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** Where the user typed the command. */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

/** A path typed on the command line, made absolute against where it was typed. */
export function argPath(p: string): string {
  return resolve(invocationDir(), p);
}

/** How a run folder records an absolute path: relative to training/ when inside it, else absolute. */
export function recordedPath(abs: string): string {
  const rel = relative(TRAINING_DIR, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A path a run folder recorded, made absolute. */
export function fromRecord(p: string): string {
  return resolve(TRAINING_DIR, p);
}

/** A path for messages: relative to where the user typed the command when that is shorter. */
export function shown(abs: string): string {
  const rel = relative(invocationDir(), abs);
  return rel && !rel.startsWith('../..') && rel.length < abs.length ? rel : abs;
}

export class NotFoundError extends Error {}

/** `abs` must exist; otherwise an error naming the flag, the resolved path and what belongs there. */
export function mustExist(abs: string, flag: string, expected: string): string {
  if (!existsSync(abs)) throw new NotFoundError(`${flag}: not found: ${abs} (expected ${expected})`);
  return abs;
}
