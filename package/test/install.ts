/**
 * The package as a user gets it: `npm pack` (which builds it), then `npm install` of the tarball in
 * a fresh project in the temporary folder, outside the workspace: no links, its dependencies from
 * the registry (or npm's cache). Done once per tarball: the test files share the installed copy.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const REPO_DIR = join(PACKAGE_DIR, '..');

export interface Installed {
  /** The consumer project (package.json, node_modules/emotion-edge). */
  dir: string;
  tarball: string;
  /** The installed package's folder. */
  pkg: string;
  /** `node <bin>` runs the installed command line. */
  bin: string;
}

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

let installed: Installed | null = null;

const CONSUMER_PREFIX = 'emotion-edge-consumer-';
/** A consumer project untouched this long is no running test's (each run marks the one it uses). */
const STALE_MS = 60 * 60 * 1000;

/**
 * Removes the consumer projects of earlier tarballs (about 450 MB each: one was left per change of
 * the package), except `keep` and any used within the hour, which a run beside this one may be using.
 */
function pruneConsumers(keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), name);
    if (!name.startsWith(CONSUMER_PREFIX) || dir === keep) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already (another run pruned it).
    }
  }
}

export function installPackage(): Installed {
  if (installed) return installed;
  const packs = join(tmpdir(), 'emotion-edge-packs');
  mkdirSync(packs, { recursive: true });
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', packs], PACKAGE_DIR)) as { filename: string }[];
  const tarball = join(packs, filename);
  const hash = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `${CONSUMER_PREFIX}${hash}`);
  const pkg = join(dir, 'node_modules', 'emotion-edge');
  if (!existsSync(join(dir, '.installed'))) {
    pruneConsumers(dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    // onnxruntime-node's install script would fetch CUDA binaries from outside npm; its CPU build ships in the package.
    writeFileSync(join(dir, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
    npm(['install', '--prefer-offline', '--no-package-lock', '--install-links', tarball], dir);
    writeFileSync(join(dir, '.installed'), tarball);
  } else {
    // Marks it in use, so that a run of another tarball beside this one does not prune it.
    const now = new Date();
    utimesSync(dir, now, now);
  }
  installed = { dir, tarball, pkg, bin: join(pkg, 'dist', 'cli.js') };
  return installed;
}
