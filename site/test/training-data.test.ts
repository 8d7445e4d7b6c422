import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@emotion/core/testing/temp-dir';
import { compactJson, humanizeKey } from '../src/lib/present.ts';
import { checkEvaluation, checkMetrics, loadTrainingData } from '../src/lib/training-data.ts';
import { accuracyChart, lossChart, summarize } from '../src/lib/training-view.ts';
import { FIXTURE_MODEL_DIR } from './paths.ts';

test('the sample run loads whole', () => {
  const d = loadTrainingData(FIXTURE_MODEL_DIR);
  assert.deepEqual(d.problems, []);
  assert.equal(d.metrics!.epochs.length, 60);
  assert.equal(d.evaluation!.confusion.length, 7);
  assert.equal(d.card!.parameters, 1054719);
});

test('no model folder yet: nothing to show, and no error', () => {
  const d = loadTrainingData(join(tmpdir(), 'no-such-model-dir'));
  assert.equal(d.metrics, null);
  assert.equal(d.evaluation, null);
  assert.equal(d.card, null);
  assert.deepEqual(d.problems, []);
});

test('a file that is there but unusable is reported, not drawn', () => {
  const dir = tempDir('site-model-');
  writeFileSync(join(dir, 'metrics.json'), '{"epochs": [{"epoch": 1}]}');
  writeFileSync(join(dir, 'evaluation.json'), '{ not json');
  const d = loadTrainingData(dir);
  assert.equal(d.metrics, null);
  assert.equal(d.evaluation, null);
  assert.equal(d.problems.length, 2);
  assert.match(d.problems[0], /metrics\.json: epochs\[0\]\.train_loss is not a number/);
  assert.match(d.problems[1], /evaluation\.json/);
});

test('evaluation files must be in the model’s class order', () => {
  const good = loadTrainingData(FIXTURE_MODEL_DIR).evaluation!;
  const swapped = { ...good, per_class: [good.per_class[1], good.per_class[0], ...good.per_class.slice(2)] };
  assert.throws(() => checkEvaluation(swapped), /per_class\[0\] is not "angry"/);
  assert.throws(() => checkEvaluation({ ...good, confusion: [[1]] }), /7x7/);
  assert.throws(() => checkMetrics({}), /epochs/);
});

test('the summary compares the best epoch with the reference’s 0.6538', () => {
  const { metrics, card } = loadTrainingData(FIXTURE_MODEL_DIR);
  const s = summarize(metrics!, card);
  assert.equal(s.best!.epoch, 57);
  assert.ok(Math.abs(s.vsReference! - (0.69407 - 0.6538)) < 1e-9);
  assert.equal(s.epochsRun, 60);
  assert.equal(s.inProgress, false);
  assert.equal(summarize({ ...metrics!, epochs: metrics!.epochs.slice(0, 5), best: null }, null).inProgress, true);
});

test('the charts carry this run and the reference’s six published epochs', () => {
  const { metrics } = loadTrainingData(FIXTURE_MODEL_DIR);
  const loss = lossChart(metrics!.epochs);
  assert.deepEqual(
    loss.model.series.map((s) => [s.dashed, s.markers.length]),
    [
      [false, 0],
      [false, 0],
      [true, 6],
      [true, 6],
    ],
  );
  assert.equal(loss.model.xTicks.at(-1)!.value, 100, 'the x axis reaches the reference’s epoch 100');
  assert.equal(loss.table.rows.length, 62, '60 epochs plus the reference’s 81 and 100');
  const acc = accuracyChart(metrics!.epochs);
  assert.equal(acc.model.guides.length, 1);
  assert.equal(acc.model.yTicks.at(-1)!.label.endsWith('%'), true);
});

test('recipe keys read as words; JSON examples stay compact', () => {
  assert.equal(humanizeKey('batchSize'), 'Batch size');
  assert.equal(humanizeKey('label_smoothing'), 'Label smoothing');
  assert.equal(humanizeKey('lr'), 'Learning rate');
  assert.equal(compactJson({ x: 1, y: 'two' }), '{ "x": 1, "y": "two" }');
  assert.equal(compactJson({ a: 1, b: { x: 1, y: 2 } }), '{\n  "a": 1,\n  "b": { "x": 1, "y": 2 }\n}');
  const long = compactJson({ scores: Object.fromEntries('abcdefghijkl'.split('').map((k) => [k, 0.123456])) });
  assert.ok(long.includes('\n'), 'a long object is broken over lines');
  assert.deepEqual(JSON.parse(long), { scores: Object.fromEntries('abcdefghijkl'.split('').map((k) => [k, 0.123456])) });
});
