import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { train } from '../src/train.ts';
import { FER, needsShared } from './helpers.ts';

const skip = needsShared();
const base = ['--data', FER, '--limit', '256', '--val-limit', '128', '--batch-size', '32', '--quiet', '--backend', 'wasm'];

describe('training', { skip }, () => {
  it('lowers the loss on a small sample', async () => {
    const out = join(tempDir('train-'), 'run');
    const m = await train([...base, '--out', out, '--epochs', '4', '--lr', '0.003', '--no-augment', '--tone', 'off', '--workers', '1']); // --workers: the former name of --threads, still accepted
    const losses = m.epochs.map((e) => e.train_loss);
    assert.equal(m.epochs.length, 4);
    assert.ok(losses[3] < losses[0] - 0.1, `train loss should fall: ${losses.join(', ')}`);
    const saved = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    for (const k of ['epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'seconds', 'images_per_second']) {
      assert.ok(k in saved.epochs[0], `metrics.json epoch record has ${k}`);
    }
    for (const k of ['backend', 'device', 'flags', 'train_size', 'val_size', 'git_commit']) assert.ok(k in saved.run, `run info has ${k}`);
    assert.equal(saved.run.flags.tone, false);
  });

  it('resumes an interrupted run exactly where it stopped (two gradient threads)', async () => {
    const dir = tempDir('resume-');
    const args = [...base, '--epochs', '2', '--threads', '2'];
    const straight = await train([...args, '--out', join(dir, 'straight')]);
    await train([...args, '--out', join(dir, 'split'), '--stop-after', '1']);
    const resumed = await train(['--resume', join(dir, 'split'), '--quiet', '--threads', '2', '--backend', 'wasm']);
    assert.equal(resumed.epochs.length, 2);
    assert.equal(resumed.run.flags.tone, true, "a new run's inputs are toned by default");
    const a = straight.epochs[1];
    const b = resumed.epochs[1];
    assert.equal(b.epoch, 2);
    assert.equal(b.lr, a.lr, 'same schedule');
    assert.equal(b.train_loss, a.train_loss, 'same training loss');
    assert.equal(b.val_loss, a.val_loss, 'same validation loss');
    assert.deepEqual(
      resumed.run.segments?.map((s) => s.from_epoch),
      [1, 2],
      'metrics.json records each invocation',
    );
    // --backend is pinned on every invocation: both runs really computed on the same backend.
    assert.deepEqual([straight.run.backend, ...resumed.run.segments!.map((s) => s.backend)], ['wasm', 'wasm', 'wasm']);
    assert.deepEqual(
      readFileSync(join(dir, 'split', 'checkpoint.safetensors')),
      readFileSync(join(dir, 'straight', 'checkpoint.safetensors')),
    );
  });
});
