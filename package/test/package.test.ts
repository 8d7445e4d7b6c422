/**
 * The package as installed from its tarball in a fresh project (./install.ts): what the tarball
 * holds, `npm publish --dry-run`, a plain Node ESM import that analyzes a photo, a TypeScript
 * consumer type-checked against the .d.ts, and the command line (images, errors, formats, videos),
 * whose answers on ../shared/photos-dev must be POST /classify's in workerd.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { ClassifyResponse } from '@emotion/core/api';
import { CLASSES } from '@emotion/core/classes';
import { ORT_TELEMETRY_DIR, userEnv } from '@emotion/core/testing/ort-telemetry';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { toolSkip } from '@emotion/core/testing/tools';
import { CSV_COLUMNS } from '@emotion/core/timeline';
import { assertSameAnswer, PHOTOS_DEV, photoFiles, photosSkip, run, startWorker } from './helpers.ts';
import { type Installed, installPackage, PACKAGE_DIR, REPO_DIR } from './install.ts';

const skipPhotos = photosSkip();
let inst: Installed;
before(() => {
  inst = installPackage();
});

const node = (args: string[], env: NodeJS.ProcessEnv = process.env) => run(process.execPath, args, { cwd: inst.dir, env });
const cli = (args: string[], env?: NodeJS.ProcessEnv) => node([inst.bin, ...args], env);
const assertNoTelemetry = (home: string) =>
  assert.ok(!existsSync(join(home, ORT_TELEMETRY_DIR)), `onnxruntime's telemetry wrote ${join(home, ORT_TELEMETRY_DIR)}`);
const jsonl = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('the tarball', () => {
  test('holds the built code, the types, both models, README and LICENSE, and no sources', () => {
    const files = execFileSync('tar', ['tzf', inst.tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const f of [
      'dist/index.js',
      'dist/browser.js',
      'dist/client.js',
      'dist/cli.js',
      'dist/cli-job.js',
      'models/scratchcnn.onnx',
      'models/blazeface.onnx',
      'README.md',
      'LICENSE',
    ])
      assert.ok(files.includes(`package/${f}`), f);
    assert.ok(files.includes('package/dist/types/package/src/index.d.ts'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      [],
    );
    // The shipped models are the committed ones, byte for byte.
    for (const m of ['scratchcnn.onnx', 'blazeface.onnx'])
      assert.ok(readFileSync(join(inst.pkg, 'models', m)).equals(readFileSync(join(REPO_DIR, 'model', m))), m);
  });

  test('installs without links: the package and onnxruntime are real folders', () => {
    const manifest = JSON.parse(readFileSync(join(inst.pkg, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'emotion-edge');
    assert.equal(manifest.version, '0.1.0');
    assert.ok(!execFileSync('find', [join(inst.dir, 'node_modules'), '-maxdepth', '1', '-type', 'l'], { encoding: 'utf8' }).trim());
  });

  test('npm publish --dry-run is clean', () => {
    const out = execFileSync('npm', ['publish', '--dry-run'], { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /emotion-edge@0\.1\.0/);
    const res = execFileSync('sh', ['-c', 'npm publish --dry-run 2>&1 >/dev/null'], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    // The repository's .npmrc sets onnxruntime-node's own install option, which npm does not know.
    const warnings = res
      .split('\n')
      .filter((l) => /npm (warn|WARN|error|ERR)/.test(l) && !l.includes('onnxruntime-node-install') && !l.includes('dry-run'));
    assert.deepEqual(warnings, []);
  });
});

describe('from plain Node ESM', () => {
  test('imports emotion-edge and analyzes a photo, onnxruntime telling no one; a bad image is the API error', {
    skip: skipPhotos,
  }, async () => {
    const photo = join(PHOTOS_DEV, 'happy_01.jpg');
    writeFileSync(
      join(inst.dir, 'consumer.mjs'),
      `import { readFile } from 'node:fs/promises';
import { createAnalyzer, EmotionEdgeError } from 'emotion-edge';
const analyzer = createAnalyzer();
const answer = await analyzer.analyze(await readFile(process.argv[2]));
let error;
try { await analyzer.analyze(new TextEncoder().encode('not an image')); } catch (e) { error = { isError: e instanceof EmotionEdgeError, code: e.code, status: e.status }; }
await analyzer.close();
console.log(JSON.stringify({ answer, error }));
`,
    );
    const home = tempDir('emotion-edge-home-');
    const r = await node(['consumer.mjs', photo], userEnv(home));
    assert.equal(r.code, 0, r.stderr);
    assertNoTelemetry(home);
    const { answer, error } = JSON.parse(r.stdout) as { answer: ClassifyResponse; error: unknown };
    assert.equal(answer.faces.length, 1);
    assert.equal(answer.source, 'detection');
    assert.ok(CLASSES.includes(answer.faces[0].emotion));
    assert.ok(Math.abs(CLASSES.reduce((s, c) => s + answer.faces[0].scores[c], 0) - 1) < 1e-5);
    assert.equal(answer.model.name, 'ScratchCNN');
    assert.deepEqual(error, { isError: true, code: 'unsupported_media_type', status: 415 });
  });
});

describe('TypeScript', () => {
  const tsc = (project: string) =>
    run(process.execPath, [join(REPO_DIR, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: inst.dir });
  const tsconfig = (files: string[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        lib: ['es2022', 'dom'],
        types: [],
        ...extra,
      },
      files,
    });

  test('a consumer type-checks against the .d.ts (Node and browser conditions), and a wrong use does not', async () => {
    writeFileSync(
      join(inst.dir, 'consumer.ts'),
      `import { type ClassifyResponse, createAnalyzer, createClient, EmotionEdgeError, ExpressionTimeline, type Face } from 'emotion-edge';
import { createClient as clientOnly } from 'emotion-edge/client';
export async function main(bytes: Uint8Array): Promise<string> {
  const answer: ClassifyResponse = await createAnalyzer({ threads: 1 }).analyze(bytes, { max_faces: 3, tta: false, box: { x: 0, y: 0, w: 10, h: 10 } });
  const faces: Face[] = answer.faces;
  const timeline = new ExpressionTimeline();
  timeline.push(0, faces);
  const api = createClient({ baseUrl: 'https://example.com', apiKey: 'k', fetch: globalThis.fetch, retry: { retries: 1 } });
  try {
    await clientOnly({ baseUrl: new URL('https://example.com') }).classify(new Blob(["x"]), {}, { signal: AbortSignal.timeout(1000) });
  } catch (e) {
    if (e instanceof EmotionEdgeError) return \`\${e.code} \${e.status} \${e.retryAfter}\`;
  }
  return (await api.classify(bytes)).faces[0]?.emotion ?? answer.message ?? '';
}
`,
    );
    writeFileSync(join(inst.dir, 'tsconfig.json'), tsconfig(['consumer.ts']));
    const ok = await tsc('tsconfig.json');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    writeFileSync(
      join(inst.dir, 'tsconfig.browser.json'),
      tsconfig(['consumer.ts'], { customConditions: ['browser'], module: 'preserve', moduleResolution: 'bundler' }),
    );
    const browser = await tsc('tsconfig.browser.json');
    assert.equal(browser.code, 0, browser.stdout + browser.stderr);
    writeFileSync(
      join(inst.dir, 'wrong.ts'),
      `import { createAnalyzer } from 'emotion-edge';
export const n: number = (await createAnalyzer().analyze(new Uint8Array(), { max_faces: '3' })).emotion;
`,
    );
    writeFileSync(join(inst.dir, 'tsconfig.wrong.json'), tsconfig(['wrong.ts']));
    const wrong = await tsc('tsconfig.wrong.json');
    assert.notEqual(wrong.code, 0);
    // max_faces: '3' (a string for a number), and emotion (a label or null) where a number is wanted.
    assert.match(wrong.stdout, /wrong\.ts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    assert.match(wrong.stdout, /wrong\.ts\(2,\d+\): error TS2322: Type 'string \| null' is not assignable to type 'number'/);
    assert.equal(wrong.stdout.match(/error TS/g)?.length, 2);
  });
});

describe('the command line', () => {
  test('--help lists every option with its default', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    for (const opt of [
      '--format',
      '--out',
      '--api',
      '--api-key',
      '--jobs',
      '--fps',
      '--no-detect',
      '--max-faces',
      '--no-tta',
      '--min-detection-score',
      '--min-face-size',
      '--progress',
    ])
      assert.ok(r.stdout.includes(opt), opt);
    assert.match(r.stdout, /default: jsonl/);
    assert.match(r.stdout, /default: 5\)/);
    assert.match(r.stdout, /default: the core count/);
    assert.match(r.stdout, /EMOTION_EDGE_API_KEY/);
    const bad = await cli([]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /at least one file/);
  });

  test('on ../shared/photos-dev: per photo the same faces and labels as POST /classify in workerd, scores within 1e-4', {
    skip: skipPhotos,
  }, async () => {
    const worker = await startWorker();
    try {
      const r = await cli(['--jobs', '2', PHOTOS_DEV]);
      assert.equal(r.code, 0, r.stderr);
      const lines = jsonl(r.stdout) as (ClassifyResponse & { file: string })[];
      const files = photoFiles();
      assert.deepEqual(
        lines.map((l) => basename(l.file)),
        files.map((f) => basename(f)),
        'one line per photo, in name order',
      );
      let faces = 0;
      for (const [i, file] of files.entries()) {
        const res = await worker.fetch('/classify', {
          method: 'POST',
          headers: { 'content-type': 'image/jpeg' },
          body: readFileSync(file),
        });
        assert.equal(res.status, 200);
        const expected = (await res.json()) as ClassifyResponse;
        assertSameAnswer(lines[i], expected, basename(file));
        faces += expected.faces.length;
      }
      assert.ok(faces >= files.length * 0.8, `${faces} faces in ${files.length} photos`);
      // --api: the same photos through the client, the same answers (the key from the environment; this Worker takes any).
      const some = files.slice(0, 4);
      const viaApi = await cli(['--api', worker.url, '--jobs', '2', ...some], { ...process.env, EMOTION_EDGE_API_KEY: '' });
      assert.equal(viaApi.code, 0, viaApi.stderr);
      const apiLines = jsonl(viaApi.stdout) as (ClassifyResponse & { file: string })[];
      assert.equal(apiLines.length, some.length);
      for (const [i, line] of apiLines.entries()) assertSameAnswer(line, lines[i], `--api ${basename(some[i])}`);
    } finally {
      await worker.dispose();
    }
  });

  test('a bad file is one error line, the batch goes on, exit status 1; csv and json; no telemetry from the threads', {
    skip: skipPhotos,
  }, async () => {
    const dir = tempDir('emotion-edge-cli-');
    writeFileSync(join(dir, 'text.jpg'), 'not a JPEG');
    const good = join(PHOTOS_DEV, 'happy_01.jpg');
    const missing = join(dir, 'missing.png');
    const home = tempDir('emotion-edge-home-');
    const r = await cli(['--jobs', '2', good, join(dir, 'text.jpg'), missing, good], userEnv(home));
    assert.equal(r.code, 1);
    assertNoTelemetry(home);
    const lines = jsonl(r.stdout);
    assert.equal(lines.length, 4);
    assert.equal(lines[0].faces.length, 1);
    assert.deepEqual(lines[1].error.code, 'unsupported_media_type');
    assert.deepEqual(lines[2].error.code, 'unreadable_file');
    assert.equal(lines[3].emotion, lines[0].emotion);

    const csv = await cli(['--format', 'csv', '--out', join(dir, 'out.csv'), good, join(dir, 'text.jpg')]);
    assert.equal(csv.code, 1);
    const rows = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 3);
    assert.ok(rows[0].startsWith('file,face,emotion,confidence,uncertain,angry,'));
    assert.equal(rows[1].split(',')[2], lines[0].emotion);
    assert.match(rows[2], /unsupported_media_type/);

    const json = await cli(['--format', 'json', good]);
    assert.equal(json.code, 0);
    const all = JSON.parse(json.stdout);
    assert.equal(all.length, 1);
    assert.equal(all[0].emotion, lines[0].emotion);
  });

  test('a video: one row per frame and track at --fps, then segments; a clear message without ffmpeg', {
    skip: skipPhotos || toolSkip('ffmpeg'),
  }, async () => {
    const dir = tempDir('emotion-edge-video-');
    const video = join(dir, 'clip.mp4');
    // 2 s of one photo at 10 fps, 480 px wide: sampled at 5 fps, 10 frames, one face.
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-loop',
      '1',
      '-i',
      join(PHOTOS_DEV, 'happy_01.jpg'),
      '-t',
      '2',
      '-r',
      '10',
      '-vf',
      'scale=480:-2',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const r = await cli([video]);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonl(r.stdout);
    const rows = lines.filter((l) => 'time_s' in l);
    assert.equal(rows.length, 10);
    assert.deepEqual(
      rows.map((l) => l.time_s),
      [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8],
    );
    assert.ok(rows.every((l) => l.track === rows[0].track && l.emotion === 'happy'));
    const summary = lines.at(-1);
    assert.equal(summary.segments.length, 1);
    assert.equal(summary.segments[0].emotion, 'happy');
    assert.equal(summary.settings.fps, 5);

    const csv = await cli(['--format', 'csv', '--fps', '2', video]);
    const csvRows = csv.stdout.trim().split('\n');
    assert.equal(csvRows[0], ['file', ...CSV_COLUMNS].join(','));
    assert.equal(csvRows.length, 1 + 4);

    const noFfmpeg = await cli([video], { ...process.env, PATH: '/nonexistent' });
    assert.equal(noFfmpeg.code, 1);
    const [line] = jsonl(noFfmpeg.stdout);
    assert.equal(line.error.code, 'ffmpeg_missing');
    assert.match(line.error.message, /ffmpeg was not found.*Install it/);
  });
});
