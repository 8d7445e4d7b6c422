/**
 * `wrangler deploy --dry-run` builds the real upload (worker bundle, ORT's WASM, the model) and it
 * fits Workers' size limit: 10 MB after gzip on the paid plan (3 MB on the free plan, which this
 * Worker does not fit: ORT's WASM alone is about 3.3 MB gzipped).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildWorker } from '@emotion/workerd-harness';
import { SIZE_LIMITS } from '../scripts/bundle-size.mjs';
import { CONFIG } from './harness.ts';

const PAID_LIMIT = SIZE_LIMITS.paid;

test('wrangler deploy --dry-run builds a bundle within the 10 MB (gzip) Workers limit', async (t) => {
  // The top level of wrangler.toml: what `npm run deploy` uploads.
  const bundle = await buildWorker(CONFIG, '');
  const names = bundle.files.join(' ');
  assert.match(names, /ort-wasm-simd-threaded\.wasm/, 'ORT WASM shipped as a module');
  assert.match(names, /scratchcnn\.onnx/, 'the model shipped as a data module');
  assert.match(names, /blazeface\.onnx/, 'the face detector shipped as a data module');
  assert.ok(!/jsep/.test(names), 'not the larger JSEP build');
  let raw = 0;
  let gz = 0;
  const rows: string[] = [];
  for (const f of bundle.files) {
    const bytes = readFileSync(join(bundle.dir, f));
    const g = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += g;
    rows.push(`${f.replace(/^[0-9a-f]{40}-/, '')}: ${(bytes.length / 2 ** 20).toFixed(2)} MiB, gzip ${(g / 2 ** 20).toFixed(2)} MiB`);
  }
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(bundle.log);
  for (const row of rows) t.diagnostic(row);
  t.diagnostic(
    `total ${(raw / 2 ** 20).toFixed(2)} MiB, gzip ${(gz / 2 ** 20).toFixed(2)} MiB` +
      (reported ? ` (wrangler: ${reported[1]} KiB / gzip ${reported[2]} KiB)` : ''),
  );
  assert.ok(gz < PAID_LIMIT, `gzip size ${gz} over ${PAID_LIMIT}`);
  if (reported) assert.ok(Number(reported[2]) * 1024 < PAID_LIMIT, `wrangler's gzip size ${reported[2]} KiB`);
});
