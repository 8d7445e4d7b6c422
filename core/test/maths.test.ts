/** softmax, softmaxRows, argmax and meanOf (core/src/maths.ts), the one copy of each. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmax, meanOf, softmax, softmaxRows } from '../src/maths.ts';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('softmax: the normalized exponentials, summing to 1, in float64', () => {
  const l = [1, 2, 3, -1, 0.5, 0, 2];
  const e = l.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  const p = softmax(l);
  assert.ok(p instanceof Float64Array);
  close(
    p,
    e.map((v) => v / s),
  );
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-15);
});

test('softmax: unchanged by adding a constant, and no overflow for large logits', () => {
  const l = [3, 1, 4, 1, 5, 9, 2];
  close(softmax(l.map((v) => v + 1000)), softmax(l));
  const p = softmax([1e4, 0, -1e4]);
  assert.deepEqual(Array.from(p), [1, 0, 0]);
  close(softmax([5, 5, 5, 5]), [0.25, 0.25, 0.25, 0.25]);
});

test('softmax of a row at an offset, and softmaxRows of each row', () => {
  const flat = new Float32Array([0, 1, 2, 10, 10, 10, -3, 0, 3]);
  close(softmax(flat, 3, 3), [1 / 3, 1 / 3, 1 / 3]);
  const rows = softmaxRows(flat, 3);
  assert.equal(rows.length, 9);
  for (let r = 0; r < 3; r++) close(rows.subarray(r * 3, r * 3 + 3), softmax(flat, r * 3, 3));
});

test('argmax: the index of the largest value, the first on a tie, within a row', () => {
  assert.equal(argmax([0.1, 0.7, 0.2]), 1);
  assert.equal(argmax([0.4, 0.2, 0.4]), 0);
  assert.equal(argmax([-5, -1, -3]), 1);
  assert.equal(argmax(new Float64Array([9, 0, 1, 2, 5, 3]), 3, 3), 1);
  assert.equal(argmax([7]), 0);
});

test('meanOf: the element-wise mean; lengths must agree', () => {
  close(meanOf([0.2, 0.8], [0.6, 0.4]), [0.4, 0.6]);
  assert.throws(() => meanOf([1], [1, 2]), RangeError);
});
