/** The timeline view's data (src/lib/timeline-view.ts): clock times, segment words, the chart model and its inverse. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASSES } from '@emotion/core/classes';
import { ExpressionTimeline } from '@emotion/core/timeline';
import {
  CLASS_COLORS,
  formatClock,
  MAX_CHART_POINTS,
  segmentText,
  summaryText,
  timeAtX,
  trackChart,
  xAtTime,
} from '../src/lib/timeline-view.ts';

const scores = (top: (typeof CLASSES)[number], p: number) =>
  Object.fromEntries(CLASSES.map((c) => [c, c === top ? p : (1 - p) / 6])) as Record<(typeof CLASSES)[number], number>;

test('formatClock: m:ss.d, and h:mm:ss.d from an hour', () => {
  assert.equal(formatClock(0), '0:00.0');
  assert.equal(formatClock(3.24), '0:03.2');
  assert.equal(formatClock(59.96), '1:00.0');
  assert.equal(formatClock(754.5), '12:34.5');
  assert.equal(formatClock(3723.4), '1:02:03.4');
});

test('segmentText and summaryText: the words the page shows', () => {
  assert.equal(
    segmentText({ track: 1, emotion: 'happy', start: 3.2, end: 5.8, meanProbability: 0.806, frames: 14 }),
    'happy 0:03.2–0:05.8, 81%',
  );
  const t = new ExpressionTimeline();
  for (let i = 0; i < 10; i++) t.push(i / 5, [{ box: { x: 0, y: 0, w: 50, h: 50 }, scores: scores('sad', 0.9) }]);
  assert.match(summaryText(t.summaries()[0]), /^Face 1, seen 0:00\.0–0:01\.8 \(10 frames\): mostly sad; sad 100% of the time\.$/);
});

test('trackChart: seven lines in the classes colours, at most MAX_CHART_POINTS points, a gap breaks the lines', () => {
  const t = new ExpressionTimeline({ maxGapSeconds: 5 });
  for (let i = 0; i < 3000; i++) {
    const time = i / 5 + (i >= 1500 ? 3 : 0); // the face is missing for 3 s in the middle
    t.push(time, [{ box: { x: 0, y: 0, w: 50, h: 50 }, scores: scores('happy', 0.7) }]);
  }
  const model = trackChart(t.rowsOf(1), [0, 603]);
  assert.deepEqual(
    model.series.map((s) => s.label),
    [...CLASSES],
  );
  assert.deepEqual(
    model.series.map((s) => s.color),
    CLASSES.map((c) => CLASS_COLORS[c]),
  );
  const happy = model.series[CLASSES.indexOf('happy')].path;
  assert.ok((happy.match(/[ML]/g) ?? []).length <= MAX_CHART_POINTS + 3, 'decimated');
  assert.equal((happy.match(/M/g) ?? []).length, 2, 'the 3 s gap breaks the line once');
  // Clicking maps back to the time drawn there.
  for (const s of [0, 100, 301.5, 603]) assert.ok(Math.abs(timeAtX(model, xAtTime(model, s)) - s) < 1e-9);
  assert.equal(timeAtX(model, -50), model.xTicks[0].value);
});
