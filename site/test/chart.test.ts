import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrastRatio, heatColor, linearScale, lineChart, linePath, niceTicks, textOn } from '../src/lib/chart.ts';

test('niceTicks widens the domain to round steps and lists every tick', () => {
  assert.deepEqual(niceTicks(1, 100, 5), { domain: [0, 100], ticks: [0, 20, 40, 60, 80, 100], step: 20 });
  assert.deepEqual(niceTicks(0.3922, 0.6538, 5).ticks, [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]);
  const loss = niceTicks(0.913, 1.7531, 5);
  assert.deepEqual(loss.domain, [0.8, 1.8]);
  assert.ok(
    loss.ticks.every((t) => Number.isFinite(t) && String(t).length <= 4),
    `clean labels: ${loss.ticks}`,
  );
  assert.deepEqual(niceTicks(2, 2).domain, [1.8, 2.2], 'a flat series still gets an axis');
});

test('linearScale maps the domain onto the range, inverted axes included', () => {
  const y = linearScale([0, 1], [300, 20]);
  assert.equal(y(0), 300);
  assert.equal(y(1), 20);
  assert.equal(y(0.5), 160);
});

test('linePath skips non-finite points by lifting the pen', () => {
  assert.equal(
    linePath([
      [0, 0],
      [10.04, 5.06],
    ]),
    'M0,0L10,5.1',
  );
  assert.equal(
    linePath([
      [0, 0],
      [1, NaN],
      [2, 2],
      [3, 3],
    ]),
    'M0,0M2,2L3,3',
  );
  assert.equal(linePath([]), '');
});

test('lineChart puts every point inside the plot, and the reference fits on the same axes', () => {
  const model = lineChart({
    xLabel: 'Epoch',
    yLabel: 'Loss',
    xDomain: [0, 100],
    series: [
      {
        label: 'ours',
        color: '#000',
        points: [
          [1, 1.8],
          [2, 1.6],
          [3, 1.5],
        ],
      },
      {
        label: 'reference',
        color: '#111',
        dashed: true,
        markers: true,
        points: [
          [1, 1.7531],
          [100, 0.913],
        ],
      },
    ],
  });
  const { plot } = model;
  assert.equal(model.xTicks.at(-1)!.value, 100);
  for (const s of model.series) {
    for (const [, x, y] of s.path.matchAll(/[ML]([\d.]+),([\d.]+)/g)) {
      assert.ok(+x >= plot.left && +x <= plot.right && +y >= plot.top && +y <= plot.bottom, `${s.label}: ${x},${y} inside`);
    }
  }
  assert.equal(model.series[0].markers.length, 0);
  assert.equal(model.series[1].markers.length, 2);
  assert.equal(model.series[1].dashed, true);
  assert.equal(model.series[1].markers[1].cx, plot.right, 'epoch 100 at the right edge');
});

test('a one-point series is marked, since it draws no line', () => {
  const model = lineChart({ xLabel: 'x', yLabel: 'y', series: [{ label: 'one epoch', color: '#000', points: [[1, 0.37]] }] });
  assert.equal(model.series[0].markers.length, 1);
});

test('heatmap colours run light to dark, and the cell text keeps WCAG AA contrast', () => {
  assert.equal(heatColor(0), '#f7fbff');
  assert.equal(heatColor(1), '#08306b');
  assert.equal(heatColor(-3), heatColor(0));
  assert.equal(heatColor(NaN), heatColor(0));
  for (let t = 0; t <= 1; t += 0.05) {
    const bg = heatColor(t);
    assert.ok(contrastRatio(bg, textOn(bg)) >= 4.5, `text on ${bg}: ${contrastRatio(bg, textOn(bg)).toFixed(2)}`);
  }
});
