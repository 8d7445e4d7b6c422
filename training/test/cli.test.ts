/** The command line's small parts: paths typed and recorded, ETAs, the Ctrl-C message, why a backend is missing. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { whyMissing } from '../src/backend.ts';
import { argPath, fromRecord, mustExist, recordedPath, TRAINING_DIR } from '../src/cli-paths.ts';
import { interruptMessage, newRunStatus } from '../src/interrupt.ts';
import { formatDuration, RunClock } from '../src/progress.ts';

describe('paths', () => {
  it('a typed path resolves against INIT_CWD (where npm was started), else the process directory', () => {
    const saved = process.env.INIT_CWD;
    try {
      process.env.INIT_CWD = '/somewhere/else';
      assert.equal(argPath('../shared/fer2013'), '/somewhere/shared/fer2013');
      assert.equal(argPath('/abs/run'), '/abs/run');
      delete process.env.INIT_CWD;
      assert.equal(argPath('run'), join(process.cwd(), 'run'));
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it('a run folder records paths inside training/ relative to it, others absolute; both read back', () => {
    const inside = join(TRAINING_DIR, 'runs', 'fer2013', 'best.safetensors');
    assert.equal(recordedPath(inside), 'runs/fer2013/best.safetensors');
    assert.equal(fromRecord('runs/fer2013/best.safetensors'), inside);
    assert.equal(recordedPath('/data/fer2013'), '/data/fer2013');
    assert.equal(fromRecord('/data/fer2013'), '/data/fer2013');
    assert.equal(fromRecord('../../shared/fer2013'), join(TRAINING_DIR, '..', '..', 'shared', 'fer2013'), 'as committed runs recorded it');
  });

  it('not found: the flag, the resolved path and what belongs there', () => {
    const dir = tempDir('cli-');
    assert.equal(mustExist(dir, '--out', 'a folder'), dir);
    assert.throws(
      () => mustExist(join(dir, 'x'), '--resume', 'a run folder'),
      new RegExp(`^Error: --resume: not found: ${join(dir, 'x')} \\(expected a run folder\\)$`),
    );
  });
});

describe('progress', () => {
  it('durations read "-" when unknown, never a made-up 0s', () => {
    assert.equal(formatDuration(null), '-');
    assert.equal(formatDuration(42.4), '42s');
    assert.equal(formatDuration(750), '12m30s');
    assert.equal(formatDuration(3900), '1h05m');
  });

  it("the run's ETA: unknown before a step, then steps and validations left at this invocation's pace", () => {
    const clock = new RunClock(10, 3);
    assert.equal(clock.remaining(1, 0), null);
    clock.step(2);
    clock.step(2);
    // Epoch 1, 2 steps done: 8 + 20 steps of 2 s, 3 validations guessed at a tenth of an epoch (2 s).
    assert.equal(clock.remaining(1, 2), 28 * 2 + 3 * 2);
    clock.validated(5);
    assert.equal(clock.remaining(1, 10), 20 * 2 + 2 * 5, 'epoch 1 done and validated: two epochs left');
    assert.equal(clock.remaining(3, 10), 0);
  });
});

describe('Ctrl-C message', () => {
  it('names the epoch lost and the checkpoint --resume starts from', () => {
    const s = { ...newRunStatus(), dir: join(process.env.INIT_CWD || process.cwd(), 'runs', 'x'), epoch: 5, checkpointed: 4 };
    assert.equal(
      interruptMessage(s),
      "interrupted in epoch 5; `--resume runs/x` continues from epoch 4's checkpoint (epoch 5 starts again).",
    );
    assert.match(interruptMessage({ ...s, epoch: 1, checkpointed: 0 }), /no epoch finished, so there is no checkpoint to resume/);
    assert.match(interruptMessage(newRunStatus()), /before training started/);
  });
});

describe('backend line', () => {
  it('a native package that is not installed: why, and the command that installs it', () => {
    const why = whyMissing('@tensorflow/tfjs-node-not-a-package', "Cannot find module '@tensorflow/tfjs-node-not-a-package'");
    assert.match(why, /is not installed .*libtensorflow.*`npm install --foreground-scripts`/);
  });
});
