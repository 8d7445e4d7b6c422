/** The face tracker (core/src/timeline/tracker.ts) and its assignment: crossing, occlusion gap, leaving, re-entry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../src/box.ts';
import { assign, FaceTracker, iou } from '../src/timeline/index.ts';

const box = (cx: number, cy: number, size = 100): Box => ({ x: cx - size / 2, y: cy - size / 2, w: size, h: size });

test('assign: the minimum-cost pairing, where greedy would take the cheapest pair first', () => {
  // Greedy takes (0,0) at 1, then (1,1) at 10: 11. The optimum is (0,1) + (1,0): 2 + 2 = 4.
  assert.deepEqual(
    assign([
      [1, 2],
      [2, 10],
    ]),
    [1, 0],
  );
  // More rows than columns, and a forbidden pair.
  assert.deepEqual(assign([[5], [1], [Infinity]]), [-1, 0, -1]);
  assert.deepEqual(
    assign([
      [Infinity, Infinity],
      [3, Infinity],
    ]),
    [-1, 0],
  );
  assert.deepEqual(assign([]), []);
  assert.deepEqual(assign([[], []]), [-1, -1]);
});

test('assign: optimal on random matrices (checked against every permutation)', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const permutations = (n: number): number[][] =>
    n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + Math.floor(rand() * 5);
    const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(rand() * 100)));
    const best = Math.min(...permutations(n).map((p) => p.reduce((s, j, i) => s + cost[i][j], 0)));
    const got = assign(cost);
    assert.equal(new Set(got).size, n);
    assert.equal(
      got.reduce((s, j, i) => s + cost[i][j], 0),
      best,
    );
  }
});

test('iou: 1 for the same box, 0 apart, 1/3 for half-overlapping equal boxes', () => {
  assert.equal(iou(box(50, 50), box(50, 50)), 1);
  assert.equal(iou(box(50, 50), box(300, 50)), 0);
  assert.ok(Math.abs(iou(box(50, 50), box(100, 50)) - 1 / 3) < 1e-12);
});

test('tracker: two faces that cross keep their ids (velocity carries them through the overlap)', () => {
  const tracker = new FaceTracker();
  const fps = 10;
  // Face A moves right, B moves left, 300 px/s each; they overlap fully at t = 1 s.
  let idA = 0;
  let idB = 0;
  for (let f = 0; f <= 20; f++) {
    const t = f / fps;
    const a = box(100 + 300 * t, 200);
    const b = box(700 - 300 * t, 210);
    // Detections in changing order, so the order given says nothing.
    const { ids } = f % 2 ? tracker.update(t, [b, a]) : tracker.update(t, [a, b]);
    const [ia, ib] = f % 2 ? [ids[1], ids[0]] : ids;
    if (f === 0) [idA, idB] = [ia, ib];
    assert.equal(ia, idA, `frame ${f}: face A`);
    assert.equal(ib, idB, `frame ${f}: face B`);
  }
  assert.deepEqual([idA, idB], [1, 2]);
});

test('tracker: crossing with the detector losing one face while they overlap', () => {
  const tracker = new FaceTracker();
  const ids: number[][] = [];
  for (let f = 0; f <= 20; f++) {
    const t = f / 10;
    const a = box(100 + 300 * t, 200);
    const b = box(700 - 300 * t, 200);
    // From 0.8 to 1.2 s only the front face (A) is found, as NMS merges overlapping faces.
    const faces = t >= 0.8 && t <= 1.2 ? [a] : [a, b];
    ids.push(tracker.update(t, faces).ids);
  }
  assert.ok(ids.every((frame) => frame[0] === 1));
  assert.ok(
    ids.filter((frame) => frame.length === 2).every((frame) => frame[1] === 2),
    JSON.stringify(ids),
  );
});

test('tracker: a face missed for less than maxGapSeconds keeps its id; after longer it ends, and re-entry gets a new id', () => {
  const tracker = new FaceTracker({ maxGapSeconds: 1 });
  assert.deepEqual(tracker.update(0, [box(200, 200)]).ids, [1]);
  assert.deepEqual(tracker.update(0.2, [box(202, 200)]).ids, [1]);
  // Occluded from 0.4 to 1.0 s (0.8 s since last seen at 1.0): same id.
  for (const t of [0.4, 0.6, 0.8]) assert.deepEqual(tracker.update(t, []).ids, []);
  assert.deepEqual(tracker.update(1.0, [box(205, 200)]).ids, [1]);
  // Gone for 1.2 s: the track ends at the first frame past the gap, and the face coming back is new.
  assert.deepEqual(tracker.update(1.6, []), { ids: [], ended: [] });
  const later = tracker.update(2.2, []);
  assert.deepEqual(later.ended, [1]);
  assert.deepEqual(tracker.activeIds, []);
  assert.deepEqual(tracker.update(2.4, [box(205, 200)]).ids, [2]);
});

test('tracker: frames more than maxGapSeconds apart (a slow analysis) keep the ids of faces seen in each', () => {
  const tracker = new FaceTracker({ maxGapSeconds: 1 });
  for (const [i, t] of [0, 1.5, 3.2, 5].entries()) {
    const { ids, ended } = tracker.update(t, [box(200 + i, 200), box(500, 200)]);
    assert.deepEqual([ids, ended], [[1, 2], []], `at ${t} s`);
  }
  // A frame without face 2, long after it was last seen: it ends now.
  assert.deepEqual(tracker.update(6.5, [box(204, 200)]), { ids: [1], ended: [2] });
});

test('tracker: a face leaving while another enters elsewhere; ids are never reused', () => {
  const tracker = new FaceTracker();
  assert.deepEqual(tracker.update(0, [box(100, 100), box(500, 100)]).ids, [1, 2]);
  // Face 2 leaves; a new face appears far from both: a new id at once (no gating match).
  assert.deepEqual(tracker.update(0.5, [box(102, 100), box(300, 400)]).ids, [1, 3]);
  assert.deepEqual(tracker.update(1.0, [box(103, 100), box(300, 401)]), { ids: [1, 3], ended: [] });
  const { ended } = tracker.update(1.6, [box(104, 100), box(300, 402)]);
  assert.deepEqual(ended, [2]);
  // A face where face 2 was, after it ended: 4, not 2.
  assert.deepEqual(tracker.update(1.8, [box(104, 100), box(300, 402), box(500, 100)]).ids, [1, 3, 4]);
});

test('tracker: a jump of more than a face size is a new track; time may not go back', () => {
  const tracker = new FaceTracker();
  tracker.update(0, [box(100, 100)]);
  assert.deepEqual(tracker.update(0.2, [box(260, 100)]).ids, [2]);
  assert.throws(() => tracker.update(0.1, []), RangeError);
});
