/** Test folders are gone when the process that made them exits, whatever it wrote into them. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const TEMP_DIR = fileURLToPath(new URL('../testing/temp-dir.ts', import.meta.url));

test('tempDir: folders and what is in them are removed at exit', () => {
  const script = `
    import { mkdirSync, writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { tempDir } from ${JSON.stringify(TEMP_DIR)};
    const a = tempDir('temp-dir-test-');
    const b = tempDir('temp-dir-test-');
    mkdirSync(join(a, 'run', 'export'), { recursive: true });
    writeFileSync(join(a, 'run', 'export', 'model.onnx'), new Uint8Array(1 << 16));
    console.log(JSON.stringify([a, b]));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const dirs = JSON.parse(out) as string[];
  assert.equal(dirs.length, 2);
  assert.notEqual(dirs[0], dirs[1]);
  for (const d of dirs) assert.ok(!existsSync(d), `${d} is still there`);
});
