/** The sampling times of a video file (src/scripts/video/frames.ts): every 1/rate s from 0, before the end, without drift. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleTimes } from '../src/scripts/video/frames.ts';

test('sampleTimes: every 1/rate s from 0 and before the end; at least the first frame', () => {
  const t = sampleTimes(6, 5);
  assert.equal(t.length, 30);
  assert.deepEqual(t.slice(0, 4), [0, 0.2, 0.4, 0.6]);
  assert.equal(t.at(-1), 5.8);
  assert.deepEqual(sampleTimes(0.1, 5), [0]);
  assert.equal(sampleTimes(8.01, 5).length, 41);
  // An hour at 30 a second: exact multiples, no running-sum drift.
  const hour = sampleTimes(3600, 30);
  assert.equal(hour.length, 108_000);
  assert.equal(hour[107_999], 3599.966667);
  assert.equal(sampleTimes(10, 3)[9], 3);
});
