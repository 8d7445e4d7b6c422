/**
 * The package as a user gets it: `npm pack` (which builds it), then `npm install` of the tarball in
 * a fresh project in the temporary folder, outside the workspace: no links, its dependencies from
 * the registry (or npm's cache). Done once per tarball: the test files share the installed copy.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export function installPackage(): Installed {
  if (installed) return installed;
  const packs = join(tmpdir(), 'emotion-edge-packs');
  mkdirSync(packs, { recursive: true });
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', packs], PACKAGE_DIR)) as { filename: string }[];
  const tarball = join(packs, filename);
  const hash = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `emotion-edge-consumer-${hash}`);
  const pkg = join(dir, 'node_modules', 'emotion-edge');
  if (!existsSync(join(dir, '.installed'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    // onnxruntime-node's install script would fetch CUDA binaries from outside npm; its CPU build ships in the package.
    writeFileSync(join(dir, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
    npm(['install', '--prefer-offline', '--no-package-lock', '--install-links', tarball], dir);
    writeFileSync(join(dir, '.installed'), tarball);
  }
  installed = { dir, tarball, pkg, bin: join(pkg, 'dist', 'cli.js') };
  return installed;
}
