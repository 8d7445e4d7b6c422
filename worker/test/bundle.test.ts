/**
 * `wrangler deploy --dry-run` builds the real upload (worker bundle, ORT's WASM, the model) and it
 * fits Workers' size limit: 10 MB after gzip on the paid plan (3 MB on the free plan, which this
 * Worker does not fit: ORT's WASM alone is about 3.3 MB gzipped).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OFFLINE_ENV } from '../scripts/offline-env.mjs';
import { REPO } from './harness.ts';

const PAID_LIMIT = 10 * 1024 * 1024;

test('wrangler deploy --dry-run builds a bundle within the 10 MB (gzip) Workers limit', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'emotion-bundle-'));
  try {
    if (!existsSync(join(REPO, 'site', 'dist'))) mkdirSync(join(REPO, 'site', 'dist'), { recursive: true });
    const wrangler = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');
    const r = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', out], {
      cwd: REPO,
      env: { ...process.env, ...OFFLINE_ENV },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `wrangler failed:\n${r.stdout}\n${r.stderr}`);
    const files = readdirSync(out).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    const names = files.join(' ');
    assert.match(names, /ort-wasm-simd-threaded\.wasm/, 'ORT WASM shipped as a module');
    assert.match(names, /scratchcnn\.onnx/, 'the model shipped as a data module');
    assert.match(names, /blazeface\.onnx/, 'the face detector shipped as a data module');
    assert.ok(!/jsep/.test(names), 'not the larger JSEP build');
    let raw = 0;
    let gz = 0;
    const rows: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(join(out, f));
      const g = gzipSync(bytes, { level: 9 }).length;
      raw += bytes.length;
      gz += g;
      rows.push(`${f.replace(/^[0-9a-f]{40}-/, '')}: ${(bytes.length / 2 ** 20).toFixed(2)} MiB, gzip ${(g / 2 ** 20).toFixed(2)} MiB`);
    }
    const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(r.stdout + r.stderr);
    for (const row of rows) t.diagnostic(row);
    t.diagnostic(
      `total ${(raw / 2 ** 20).toFixed(2)} MiB, gzip ${(gz / 2 ** 20).toFixed(2)} MiB` +
        (reported ? ` (wrangler: ${reported[1]} KiB / gzip ${reported[2]} KiB)` : ''),
    );
    assert.ok(gz < PAID_LIMIT, `gzip size ${gz} over ${PAID_LIMIT}`);
    if (reported) assert.ok(Number(reported[2]) * 1024 < PAID_LIMIT, `wrangler's gzip size ${reported[2]} KiB`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
