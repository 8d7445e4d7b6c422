/**
 * onnxruntime-node's own telemetry stays off on every path of ours that opens a session in Node
 * (core's openEmotionClassifier and openFaceDetector): no device id, no event cache in the user's
 * home. The child gets a temporary HOME and no ORT_DISABLE_TELEMETRY of its own.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ORT_TELEMETRY_DIR, userEnv } from '../testing/ort-telemetry.ts';
import { tempDir } from '../testing/temp-dir.ts';

const src = (p: string) => JSON.stringify(fileURLToPath(new URL(`../src/${p}`, import.meta.url)));

/** Runs an ES module script in a child Node with `env`; its standard output, trimmed. */
const runScript = (script: string, env: NodeJS.ProcessEnv) =>
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env,
    encoding: 'utf8',
  }).trim();

test("core's Node openers leave no trace of onnxruntime's telemetry", () => {
  const home = tempDir('ort-home-');
  const script = `
    import * as ort from 'onnxruntime-node';
    import { openEmotionClassifier } from ${src('emotion/node.ts')};
    import { openFaceDetector } from ${src('faces/node.ts')};
    const classifier = await openEmotionClassifier(ort);
    await classifier.classify([new Float32Array(48 * 48)], { tta: true });
    await openFaceDetector(ort);
    console.log(process.env.ORT_DISABLE_TELEMETRY);
  `;
  assert.equal(runScript(script, userEnv(home)), '1');
  assert.ok(!existsSync(join(home, ORT_TELEMETRY_DIR)), `${join(home, ORT_TELEMETRY_DIR)} was written`);
});

test('a value the user set is kept', () => {
  const env = userEnv(tempDir('ort-home-'));
  const script = `import { optOutOfOrtTelemetry } from ${src('ort.ts')}; optOutOfOrtTelemetry(); console.log(process.env.ORT_DISABLE_TELEMETRY);`;
  assert.equal(runScript(script, env), '1');
  assert.equal(runScript(script, { ...env, ORT_DISABLE_TELEMETRY: '0' }), '0');
});
