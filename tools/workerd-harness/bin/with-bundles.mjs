#!/usr/bin/env node
// with-worker-bundles <command> [args...]: runs the command with WORKER_BUNDLES_DIR set to a fresh
// directory, removed afterwards, so that every process it starts (a test runner's one per file)
// shares one `wrangler deploy --dry-run` build per config and env instead of building its own.
// An outer WORKER_BUNDLES_DIR is kept: nested runs share the outer builds.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-worker-bundles <command> [args...]');
  process.exit(2);
}
const own = process.env.WORKER_BUNDLES_DIR ? null : mkdtempSync(join(tmpdir(), 'worker-bundles-'));
const env = own ? { ...process.env, WORKER_BUNDLES_DIR: own } : process.env;
const child = spawn(command, args, { stdio: 'inherit', env });
const cleanUp = () => own && rmSync(own, { recursive: true, force: true });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('error', (err) => {
  console.error(`with-worker-bundles: ${err.message}`);
  cleanUp();
  process.exit(127);
});
child.on('exit', (code, signal) => {
  cleanUp();
  process.exit(code ?? (signal ? 1 : 0));
});
