import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NUM_CLASSES } from '@emotion/core/classes';
import { ABSTENTION_STEPS, ABSTENTION_TARGET, abstentionCurve, abstentionThreshold } from '../src/abstention.ts';

/** Rows whose top class has probability `top` (class `predicted`), the rest spread evenly. */
function rows(cases: { top: number; predicted: number }[]): Float64Array {
  const p = new Float64Array(cases.length * NUM_CLASSES);
  cases.forEach(({ top, predicted }, i) => {
    for (let k = 0; k < NUM_CLASSES; k++) p[i * NUM_CLASSES + k] = k === predicted ? top : (1 - top) / (NUM_CLASSES - 1);
  });
  return p;
}

test('abstentionCurve: answered and right among answered, per threshold', () => {
  // Four confident answers (three right), four unsure ones (one right).
  const cases = [
    { top: 0.9, predicted: 3 },
    { top: 0.8, predicted: 3 },
    { top: 0.7, predicted: 0 },
    { top: 0.6, predicted: 5 },
    { top: 0.4, predicted: 1 },
    { top: 0.35, predicted: 2 },
    { top: 0.3, predicted: 4 },
    { top: 0.3, predicted: 6 },
  ];
  const labels = [3, 3, 0, 4, 1, 0, 0, 0];
  const curve = abstentionCurve(rows(cases), labels, [0.3, 0.5, 0.65, 0.95]);
  assert.deepEqual(
    curve.map(({ threshold, answered, right }) => [threshold, answered, right]),
    [
      [0.3, 1, 0.5],
      [0.5, 0.5, 0.75],
      [0.65, 0.375, 1],
      [0.95, 0, 0],
    ],
  );
  assert.equal(abstentionThreshold(curve).threshold, 0.65, 'the lowest with at least 80% right');
  assert.ok(curve.every((p) => p.target === ABSTENTION_TARGET));
});

test('abstentionThreshold: the highest tried when no threshold meets the target', () => {
  const curve = abstentionCurve(rows([{ top: 0.95, predicted: 0 }]), [1]);
  assert.equal(curve.length, ABSTENTION_STEPS.length);
  assert.equal(abstentionThreshold(curve).threshold, ABSTENTION_STEPS[ABSTENTION_STEPS.length - 1]);
});
