/** Per-track smoothing (core/src/timeline/smoothing.ts): the time constant in seconds, frame-rate independence, hysteresis. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASSES, type Emotion, NUM_CLASSES } from '../src/classes.ts';
import { ScoreSmoother } from '../src/timeline/index.ts';

/** A probability row with `p` on one class and the rest spread evenly. */
const row = (top: Emotion, p: number, second?: Emotion, q = 0) => {
  const out = new Float64Array(NUM_CLASSES).fill((1 - p - q) / (NUM_CLASSES - (second ? 2 : 1)));
  out[CLASSES.indexOf(top)] = p;
  if (second) out[CLASSES.indexOf(second)] = q;
  return out;
};
const happy = CLASSES.indexOf('happy');

/** Smoothed P(happy) at each whole tenth of a second, for a signal sampled at `fps`. */
function happyAt(fps: number, signal: (t: number) => Float64Array, until = 6): Map<string, number> {
  const s = new ScoreSmoother({ tauSeconds: 0.5 });
  const out = new Map<string, number>();
  for (let f = 0; f <= until * fps; f++) {
    const t = f / fps;
    const p = s.push(t, signal(t));
    if (Math.abs(t * 5 - Math.round(t * 5)) < 1e-9) out.set(t.toFixed(1), p[happy]);
  }
  return out;
}

test('smoothing: the same slowly changing signal at 5 and at 30 fps gives the same smoothed values at the same times', () => {
  // P(happy) rising and falling over seconds, the rest spread: what a real face's change looks like.
  const signal = (t: number) => row('happy', 0.5 + 0.4 * Math.sin(t), 'sad', 0.4 - 0.4 * Math.sin(t));
  const at5 = happyAt(5, signal);
  const at30 = happyAt(30, signal);
  let worst = 0;
  for (const [t, v] of at5) if (Number(t) >= 1) worst = Math.max(worst, Math.abs(v - (at30.get(t) ?? Number.NaN)));
  assert.ok(worst < 0.03, `largest difference ${worst}`);
  // A per-frame weight (the same alpha at any rate) would not be: it lags six times longer at 30 fps.
  const perFrame = (fps: number) => {
    let v = signal(0)[happy];
    const out = new Map<string, number>();
    for (let f = 0; f <= 6 * fps; f++) {
      const t = f / fps;
      v += 0.33 * (signal(t)[happy] - v);
      if (Math.abs(t * 5 - Math.round(t * 5)) < 1e-9) out.set(t.toFixed(1), v);
    }
    return out;
  };
  const [p5, p30] = [perFrame(5), perFrame(30)];
  const perFrameWorst = Math.max(...[...p5].filter(([t]) => Number(t) >= 1).map(([t, v]) => Math.abs(v - (p30.get(t) ?? 0))));
  assert.ok(perFrameWorst > 3 * worst, `per-frame EMA differs by ${perFrameWorst}, ours by ${worst}`);
});

test('smoothing: a step from sad to happy reaches 1 - exp(-t/tau) of the way, whatever the frame rate', () => {
  const step = (t: number) => (t < 2 - 1e-9 ? row('sad', 1) : row('happy', 1));
  for (const fps of [5, 10, 30]) {
    const v = happyAt(fps, step);
    assert.equal(v.get('1.8'), 0);
    for (const t of [2.4, 3.0, 4.0]) {
      // Each sample's value holds over the interval before it, so the step starts one frame early at most.
      const lo = 1 - Math.exp(-(t - 2) / 0.5);
      const hi = 1 - Math.exp(-(t - 2 + 1 / fps) / 0.5);
      const got = v.get(t.toFixed(1)) ?? Number.NaN;
      assert.ok(got >= lo - 1e-9 && got <= hi + 1e-9, `${fps} fps at ${t}: ${got} not in [${lo}, ${hi}]`);
    }
  }
});

test('smoothing: probabilities still sum to 1; the first frame is taken as it is; tau 0 is no smoothing', () => {
  const s = new ScoreSmoother();
  const first = row('angry', 0.7);
  assert.deepEqual(Array.from(s.push(0, first)), Array.from(first));
  const p = s.push(0.1, row('fear', 0.9));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const none = new ScoreSmoother({ tauSeconds: 0 });
  none.push(0, first);
  const unsmoothed = none.push(0.1, row('fear', 0.9));
  row('fear', 0.9).forEach((v, k) => assert.ok(Math.abs(unsmoothed[k] - v) < 1e-12));
  assert.throws(() => s.push(0.05, first), RangeError);
  assert.throws(() => s.push(0.2, [1, 0]), RangeError);
});

test('hysteresis: near ties do not flip the label; a clear lead does', () => {
  const s = new ScoreSmoother({ tauSeconds: 0, switchMargin: 0.1 });
  s.push(0, row('happy', 0.5, 'neutral', 0.4));
  assert.equal(s.emotion, 'happy');
  // Neutral edges ahead by 0.04, then 0.08: still happy.
  s.push(0.2, row('neutral', 0.46, 'happy', 0.42));
  assert.equal(s.emotion, 'happy');
  s.push(0.4, row('neutral', 0.48, 'happy', 0.4));
  assert.equal(s.emotion, 'happy');
  // Ahead by 0.2: neutral.
  s.push(0.6, row('neutral', 0.55, 'happy', 0.35));
  assert.equal(s.emotion, 'neutral');
  // And back only by the same margin.
  s.push(0.8, row('happy', 0.47, 'neutral', 0.43));
  assert.equal(s.emotion, 'neutral');
  // With no margin the label is the top class, flipping on each near tie.
  const plain = new ScoreSmoother({ tauSeconds: 0, switchMargin: 0 });
  const labels = [0, 0.2, 0.4].map((t, i) => {
    plain.push(t, i % 2 ? row('neutral', 0.46, 'happy', 0.42) : row('happy', 0.46, 'neutral', 0.42));
    return plain.emotion;
  });
  assert.deepEqual(labels, ['happy', 'neutral', 'happy']);
});

test('smoothing + hysteresis: a one-frame misreading at 30 fps does not change the label', () => {
  const s = new ScoreSmoother();
  for (let f = 0; f < 60; f++) {
    const t = f / 30;
    s.push(t, f === 30 ? row('angry', 0.95) : row('happy', 0.8));
    assert.equal(s.emotion, 'happy', `frame ${f}`);
  }
});
