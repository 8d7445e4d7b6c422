/**
 * The developer's journey from clone to a served model, as the READMEs tell it, on a tiny run:
 * train (on a pseudo-terminal, as a user's shell is), Ctrl-C in the second epoch, resume, resume
 * the finished run, export (by default into the run folder, never model/), evaluate in both modes,
 * serve the export with `npm start -- --model` and classify a photo over HTTP. Every command is
 * typed in a temporary folder outside the workspace with relative paths, and runs as `npm run -w`
 * runs it: inside training/ (or the repo root for npm start) with INIT_CWD naming that folder.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FER, needsShared, SHARED } from './helpers.ts';

const TRAINING = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(TRAINING, '..');
const PHOTOS = join(SHARED, 'photos');
const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];

/** `script` (util-linux) gives the training run a terminal, so the progress bar hides the cursor and line wrap. */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = needsShared(FER) || needsShared(PHOTOS) || (hasScript() ? false : 'needs script(1) from util-linux for a pseudo-terminal');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

describe('the journey: train, Ctrl-C, resume, export, evaluate, serve', { skip }, () => {
  let work: string;
  /** The environment of a command typed in `work` (what npm sets for its scripts). */
  let env: NodeJS.ProcessEnv;
  const modelFiles = ['scratchcnn.onnx', 'model-card.json', 'MODEL_CARD.md', 'metrics.json', 'evaluation.json'];
  const digest = () =>
    modelFiles
      .map((f) =>
        createHash('sha256')
          .update(readFileSync(join(ROOT, 'model', f)))
          .digest('hex'),
      )
      .join();
  let committed: string;
  let data: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'journey-'));
    env = { ...process.env, INIT_CWD: work };
    committed = digest();
    data = relative(work, FER);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** A training package script (`node --import tsx src/<script>.ts`), as `npm run <script> -w training` starts it. */
  function run(script: string, args: string[]): Promise<Result> {
    return new Promise((ok, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', `src/${script}.ts`, ...args], { cwd: TRAINING, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', fail);
      child.on('close', (code) => ok({ code, stdout, stderr }));
    });
  }

  const trainArgs = () => [
    '--data',
    data,
    '--out',
    'run',
    '--limit',
    '96',
    '--val-limit',
    '32',
    '--epochs',
    '2',
    '--batch-size',
    '32',
    '--backend',
    'wasm',
    '--threads',
    '1',
  ];

  it('a path that is not there is named, resolved against where it was typed', async () => {
    const r = await run('train', ['--data', 'no-such-data', '--out', 'nowhere', '--backend', 'cpu']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Data not found: ${join(work, 'no-such-data')} \\(expected FER2013`));
  });

  it('Ctrl-C in epoch 2 restores the terminal, says how to resume and exits 130', async () => {
    // On a pseudo-terminal: Ctrl-C is the byte 0x03 typed into it, which the terminal turns into SIGINT.
    const command = [process.execPath, '--import', 'tsx', 'src/train.ts', ...trainArgs()].map(quote).join(' ');
    const child: ChildProcess = spawn('script', ['-qfec', command, '/dev/null'], { cwd: TRAINING, env });
    let out = '';
    let sent = false;
    const code = await new Promise<number | null>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no second epoch within 60 s:\n${out}`)), 60_000);
      child.stdout!.on('data', (d) => {
        out += d;
        if (!sent && /epoch 1\/2 {2}train loss/.test(out) && /epoch 2\/2 \|/.test(out)) {
          sent = true;
          child.stdin!.write('\x03');
        }
      });
      child.on('error', fail);
      child.on('close', (c) => {
        clearTimeout(timer);
        ok(c);
      });
    });
    assert.ok(sent, out);
    assert.equal(code, 130, out);
    // The bar hid the cursor and turned line wrap off; the last word on each is "on" again.
    assert.ok(out.includes('\x1b[?25l') && out.includes('\x1b[?7l'), 'the bar drew on a terminal');
    assert.ok(out.lastIndexOf('\x1b[?25h') > out.lastIndexOf('\x1b[?25l'), 'cursor shown again');
    assert.ok(out.lastIndexOf('\x1b[?7h') > out.lastIndexOf('\x1b[?7l'), 'line wrap on again');
    assert.match(out, /interrupted in epoch 2; `--resume run` continues from epoch 1's checkpoint/);
    // No estimate before a step to measure ("-", not "0s"); the whole run's from the first step on.
    assert.match(out, /epoch 1\/2 \|[^|]*\| 0\/3 batches \| loss - acc - \| - img\/s \| epoch ETA - \| run ETA -/);
    assert.match(out, /epoch 1\/2 \|[^|]*\| 1\/3 batches .*\| epoch ETA \d+s \| run ETA \d+s/);
    assert.match(out, /epoch 2\/2 \|[^|]*\| 0\/3 batches .*\| epoch ETA - \| run ETA \d+s/);
    assert.ok(existsSync(join(work, 'run', 'checkpoint.safetensors')), 'the run is in the folder typed, under its own directory');
  });

  it('--resume trains the interrupted epoch again; resuming the finished run says so before loading data', async () => {
    const r = await run('train', ['--resume', 'run', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Resuming run from its checkpoint after epoch 1 of 2: epoch 2 starts from its beginning/);
    assert.match(r.stdout, /epoch 2\/2 {2}train loss/);
    assert.match(r.stdout, /Next: npm run export -w training -- run/);
    const again = await run('train', ['--resume', 'run']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /run finished all 2 epochs .*nothing to resume/);
    assert.doesNotMatch(again.stdout, /Backend:|Data:/);
  });

  it("export writes the run's export/, reports each evaluation, says how to try, promote and restore; model/ untouched", async () => {
    const r = await run('export', ['run']);
    assert.equal(r.code, 0, r.stderr);
    const out = join(work, 'run', 'export');
    for (const f of modelFiles) assert.ok(existsSync(join(out, f)), f);
    for (const v of ['scratchcnn.onnx (float32', 'scratchcnn.fp16.onnx (fp16', 'scratchcnn.int8.onnx (int8'])
      assert.ok(r.stdout.includes(`evaluating ${v}`), v);
    assert.match(r.stdout, /on 32 images/);
    assert.match(r.stdout, /npm start -- --model /);
    assert.match(r.stdout, /git checkout -- model\//);
    assert.equal(digest(), committed, 'the committed model/ is untouched');
    const card = readFileSync(join(out, 'MODEL_CARD.md'), 'utf8');
    assert.match(card, /n=32\)/);
    assert.match(card, /96 training images/);
    assert.match(card, /accuracy on 32 validation images/);
    assert.match(card, /\| dim 30% \| [\d.]+% \|/, 'the card states accuracy in dim light');
    assert.match(card, /`uncertain` below a top score of [\d.]+/, "and the model's own `uncertain` threshold");
    assert.match(card, /the rarest class of this run's training data \(\d+ of 96 images\)/);
    assert.doesNotMatch(card, /28,709|1000 PublicTest/);
  });

  it('evaluate: the two modes write their own reports', async () => {
    mkdirSync(join(work, 'photos'));
    for (const f of ['angry.jpg', 'happy.jpg']) copyFileSync(join(PHOTOS, f), join(work, 'photos', f));
    const model = join('run', 'export', 'scratchcnn.onnx');
    const onData = await run('evaluate', ['--model', model, '--data', data, '--limit', '32', '--out', 'eval.json']);
    assert.equal(onData.code, 0, onData.stderr);
    assert.match(onData.stdout, /Model: run\/export\/scratchcnn.onnx\n/);
    const onPhotos = await run('evaluate', ['--model', model, '--photos', 'photos', '--out', 'photos.json']);
    assert.equal(onPhotos.code, 0, onPhotos.stderr);
    assert.equal(JSON.parse(readFileSync(join(work, 'eval.json'), 'utf8')).n, 32);
    assert.equal(JSON.parse(readFileSync(join(work, 'photos.json'), 'utf8')).photos.length, 2);
    const { REPORTS } = await import('../src/evaluate.ts');
    assert.notEqual(REPORTS.data, REPORTS.photos, 'by default too');
  });

  it('npm start -- --model serves the export: GET /model names it, POST /classify answers with it', async () => {
    const port = await freePort();
    const server = spawn(
      process.execPath,
      [join(ROOT, 'worker', 'scripts', 'start.mjs'), '--model', join('run', 'export'), '--port', String(port)],
      {
        cwd: ROOT,
        env: { ...env, SKIP_SITE_BUILD: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/healthz`, 60_000, () => log);
      const card = JSON.parse(readFileSync(join(work, 'run', 'export', 'model-card.json'), 'utf8'));
      const info = (await (await fetch(`${base}/model`)).json()) as { version: string; validation: { abstention: { threshold: number } } };
      assert.equal(info.version, card.version, 'the exported model, not the committed one');
      const uncertainBelow = card.validation.abstention.threshold;
      assert.equal(info.validation.abstention.threshold, uncertainBelow, "the export's own `uncertain` threshold");
      const res = await fetch(`${base}/classify`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg' },
        body: readFileSync(join(PHOTOS, 'happy.jpg')),
      });
      assert.equal(res.status, 200, log);
      const body = (await res.json()) as { emotion: string; faces: { confidence: number; uncertain: boolean }[] };
      assert.ok(body.faces.length >= 1, 'a face found');
      for (const f of body.faces)
        assert.equal(f.uncertain, f.confidence < uncertainBelow, 'flagged by the served model, not the committed one');
      assert.ok(CLASSES.includes(body.emotion), body.emotion);
    } finally {
      server.kill('SIGINT');
      await new Promise((r) => server.once('close', r));
    }
    assert.equal(digest(), committed, 'the committed model/ is still untouched');
  });
});

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, ms: number, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s:\n${log()}`);
}
