/**
 * The Worker as it ships, in workerd, for tests and benches: `wrangler deploy --dry-run --outdir`
 * bundles it exactly as `wrangler deploy` does (once per process and config), and miniflare's
 * documented API runs that bundle with the bindings, static assets and compatibility settings that
 * wrangler.toml gives it, on an ephemeral port of 127.0.0.1, offline. README.md beside this folder.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { globsToRegExps, Log, LogLevel, Miniflare, type ModuleRuleType, testRegExps, type WorkerOptions } from 'miniflare';
import { parse } from 'smol-toml';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { OFFLINE_ENV } from './offline-env.mjs';

export { OFFLINE_ENV };

/** Bindings beyond wrangler.toml's, in wrangler's spelling (as `wrangler.toml`/`.dev.vars` would give them). */
export type Binding =
  | { type: 'plain_text' | 'secret_text'; value: string }
  | { type: 'ratelimit'; namespace_id?: string; simple: { limit: number; period: number } };
export type Bindings = Record<string, Binding>;

export type HarnessLogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

export interface StartOptions {
  /** Path of wrangler.toml. */
  config: string;
  /** The wrangler environment (`--env`); '' for the top level. Default 'local'. */
  env?: string;
  /** Plain-text vars, over wrangler.toml's. */
  vars?: Record<string, string>;
  /** Static assets directory; default an empty directory of its own, removed on dispose. */
  assetsDir?: string;
  /** Other bindings, over wrangler.toml's and `vars` (e.g. a rate limiter with a low limit, a secret). */
  bindings?: Bindings;
  /** Miniflare's log level (requests are logged at info). Default $WORKER_LOG_LEVEL, else 'error'. */
  logLevel?: HarnessLogLevel;
}

export interface RunningWorker {
  /** Base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** fetch() over real HTTP, `path` relative to `url`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export interface WorkerBundle {
  /** The dry run's output directory: the entry module and the modules it imports (.wasm, models). */
  dir: string;
  /** Its files but the source map and README, the entry (named after `main`) first: what deploy uploads. */
  files: string[];
  /** What the dry run printed (wrangler's "Total Upload" sizes among it). */
  log: string;
}

type Toml = Record<string, any>;

const builds = new Map<string, Promise<WorkerBundle>>();

/**
 * `wrangler deploy --dry-run --outdir <dir> --env <env>`: the deploy bundle, built once per process
 * for each config and env and removed when the process exits; under `with-worker-bundles` (which
 * sets WORKER_BUNDLES_DIR) once for all the processes it starts. No login is needed for a dry run.
 */
export function buildWorker(config: string, env = 'local'): Promise<WorkerBundle> {
  const key = `${resolve(config)}\0${env}`;
  let build = builds.get(key);
  if (!build) {
    const shared = process.env.WORKER_BUNDLES_DIR;
    build = shared ? sharedBuild(shared, key, resolve(config), env) : dryRun(resolve(config), env, ownDir());
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

function ownDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workerd-bundle-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The build in `root` that an earlier process of the run made, or a new one put there whole (a rename). */
async function sharedBuild(root: string, key: string, config: string, env: string): Promise<WorkerBundle> {
  const dir = join(root, createHash('sha256').update(key).digest('hex').slice(0, 16));
  const done = join(dir, 'bundle.json');
  if (!existsSync(done)) {
    const temp = mkdtempSync(join(root, 'building-'));
    const { files, log } = await dryRun(config, env, temp);
    writeFileSync(join(temp, 'bundle.json'), JSON.stringify({ files, log }));
    try {
      renameSync(temp, dir);
    } catch {
      rmSync(temp, { recursive: true, force: true }); // another process got there first
    }
  }
  const { files, log } = JSON.parse(readFileSync(done, 'utf8')) as Omit<WorkerBundle, 'dir'>;
  return { dir, files, log };
}

async function dryRun(config: string, env: string, dir: string): Promise<WorkerBundle> {
  // The dry run checks that an assets directory exists but bundles none of it: an empty one will do,
  // so the build does not depend on a site build.
  const noAssets = mkdtempSync(join(tmpdir(), 'workerd-no-assets-'));
  const pkg = createRequire(import.meta.url).resolve('wrangler/package.json');
  const bin = join(dirname(pkg), (JSON.parse(readFileSync(pkg, 'utf8')) as { bin: Record<string, string> }).bin.wrangler);
  const args = [bin, 'deploy', '--dry-run', '--config', config, '--outdir', dir, '--assets', noAssets, ...(env ? ['--env', env] : [])];
  let log = '';
  try {
    log = await new Promise<string>((ok, fail) => {
      const child = spawn(process.execPath, args, {
        cwd: dirname(config),
        env: { ...process.env, ...OFFLINE_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`wrangler deploy --dry-run exited with ${code}:\n${out}`))));
    });
  } finally {
    rmSync(noAssets, { recursive: true, force: true });
  }
  // The entry is named after `main` (worker/src/index.ts: index.js).
  const entry = `${basename(String(readConfig(config, env).main)).replace(/\.[^.]+$/, '')}.js`;
  const found = readdirSync(dir);
  if (!found.includes(entry)) throw new Error(`wrangler deploy --dry-run wrote no ${entry} (it wrote ${found.join(', ')})`);
  const rest = found.filter((f) => f !== entry && f !== 'README.md' && !f.endsWith('.map'));
  return { dir, files: [entry, ...rest.sort()], log };
}

interface Rule {
  type: ModuleRuleType;
  globs: string[];
  fallthrough?: boolean;
}

/** wrangler's default module rules, after the config's own [[rules]]. */
const DEFAULT_RULES: Rule[] = [
  { type: 'Text', globs: ['**/*.txt', '**/*.html', '**/*.sql'] },
  { type: 'Data', globs: ['**/*.bin'] },
  { type: 'CompiledWasm', globs: ['**/*.wasm', '**/*.wasm?module'] },
];

/** The bundle as miniflare modules: the entry an ES module, the others typed by the rules as wrangler types them. */
function modulesOf(bundle: WorkerBundle, rules: Rule[]): NonNullable<Extract<WorkerOptions['modules'], unknown[]>> {
  const matchers = [...rules, ...DEFAULT_RULES].map((r) => ({ type: r.type, match: globsToRegExps(r.globs) }));
  return bundle.files.map((file, i) => {
    const type = i === 0 ? 'ESModule' : matchers.find((m) => testRegExps(m.match, file))?.type;
    if (!type) throw new Error(`${bundle.dir}/${file}: no module rule for it in wrangler.toml or wrangler's defaults`);
    return { type, path: join(bundle.dir, file) };
  });
}

/** The keys a wrangler environment inherits from the top level; the others (vars, bindings) it must repeat. */
const INHERITED = ['name', 'main', 'compatibility_date', 'compatibility_flags', 'assets', 'rules'] as const;

/** wrangler.toml as wrangler resolves it for `env`. */
export function readConfig(config: string, env = 'local'): Toml {
  const top = parse(readFileSync(config, 'utf8')) as Toml;
  if (!env) return top;
  const section = (top.env as Toml | undefined)?.[env] as Toml | undefined;
  if (!section) throw new Error(`${config}: no [env.${env}]`);
  const resolved: Toml = { ...section };
  for (const k of INHERITED) if (resolved[k] === undefined && top[k] !== undefined) resolved[k] = top[k];
  if (section.name === undefined && top.name) resolved.name = `${top.name}-${env}`;
  return resolved;
}

const LEVELS: Record<HarnessLogLevel, LogLevel> = {
  none: LogLevel.NONE,
  error: LogLevel.ERROR,
  warn: LogLevel.WARN,
  info: LogLevel.INFO,
  debug: LogLevel.DEBUG,
};

/** Starts the deploy bundle of `config` in workerd; see StartOptions for the defaults. */
export async function startWorker(options: StartOptions): Promise<RunningWorker> {
  Object.assign(process.env, OFFLINE_ENV);
  const env = options.env ?? 'local';
  const [bundle, toml] = await Promise.all([buildWorker(options.config, env), Promise.resolve(readConfig(options.config, env))]);
  const assets = options.assetsDir ?? mkdtempSync(join(tmpdir(), 'workerd-assets-'));

  const text: Record<string, string> = { ...(toml.vars as Record<string, string> | undefined), ...options.vars };
  const ratelimits: NonNullable<WorkerOptions['ratelimits']> = {};
  for (const r of (toml.ratelimits ?? []) as { name: string; simple: { limit: number; period: number } }[])
    ratelimits[r.name] = { simple: r.simple as never };
  for (const [name, b] of Object.entries(options.bindings ?? {})) {
    if (b.type === 'ratelimit') {
      delete text[name];
      ratelimits[name] = { simple: b.simple as never };
    } else {
      delete ratelimits[name];
      text[name] = b.value; // a secret reaches the Worker as a string, as a var does
    }
  }

  const a = toml.assets as { binding?: string; run_worker_first?: boolean; not_found_handling?: never; html_handling?: never } | undefined;
  const worker: WorkerOptions = {
    name: toml.name,
    // Listed, not found by miniflare from the entry: onnxruntime-web has a dynamic import().
    modules: modulesOf(bundle, (toml.rules ?? []) as Rule[]),
    modulesRoot: bundle.dir,
    compatibilityDate: toml.compatibility_date,
    compatibilityFlags: toml.compatibility_flags,
    bindings: text,
    ratelimits,
    ...(a && {
      assets: {
        directory: assets,
        binding: a.binding,
        routerConfig: {
          has_user_worker: true,
          ...(typeof a.run_worker_first === 'boolean' && { invoke_user_worker_ahead_of_assets: a.run_worker_first }),
        },
        assetConfig: { not_found_handling: a.not_found_handling, html_handling: a.html_handling },
      },
    }),
  };
  const level = options.logLevel ?? (process.env.WORKER_LOG_LEVEL as HarnessLogLevel | undefined) ?? 'error';
  const mf = new Miniflare({ host: '127.0.0.1', port: 0, cf: false, log: new Log(LEVELS[level] ?? LogLevel.ERROR), workers: [worker] });
  let url: string;
  try {
    url = (await mf.ready).toString();
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
  noKeepAlive();
  return {
    url,
    fetch: (path, init) => fetch(new URL(path, url), init),
    dispose: async () => {
      await mf.dispose();
      if (!options.assetsDir) rmSync(assets, { recursive: true, force: true });
    },
  };
}

/**
 * workerd drops an idle keep-alive connection after 5 s and Node's fetch keeps one for 4 s: a client
 * whose event loop is busy for a second reuses a socket workerd is closing, and a POST on it fails
 * with ECONNRESET (seen under load in the HTTP fuzz suite). So a process that starts a Worker sends
 * every fetch() on a connection of its own (undici: pipelining 0 turns keep-alive off).
 */
function noKeepAlive() {
  if (!(getGlobalDispatcher() instanceof Agent && (getGlobalDispatcher() as { noKeepAlive?: true }).noKeepAlive)) {
    setGlobalDispatcher(Object.assign(new Agent({ pipelining: 0 }), { noKeepAlive: true as const }));
  }
}
