/** Segments and summaries (core/src/timeline/segments.ts), and the whole ExpressionTimeline with its CSV and JSON export. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../src/box.ts';
import { CLASSES, type Emotion } from '../src/classes.ts';
import type { Scores } from '../src/emotion/classifier.ts';
import {
  CSV_COLUMNS,
  ExpressionTimeline,
  segmentsOf,
  summaryOf,
  type TimelineRow,
  TRACK_ID_NOTE,
  timelineCsv,
  timelineJson,
} from '../src/timeline/index.ts';

/** A row of track 1 at `time` whose smoothed label is `emotion`, at probability p. */
const row = (time: number, emotion: Emotion, p = 0.8): TimelineRow => {
  const scores = new Float32Array(CLASSES.length).fill((1 - p) / 6);
  scores[CLASSES.indexOf(emotion)] = p;
  return { time, track: 1, box: { x: 0, y: 0, w: 10, h: 10 }, emotion, scores, raw: scores };
};
/** Rows at 5 fps from a list of [label, frames]. */
const rowsOf = (...runs: [Emotion, number][]) => {
  const out: TimelineRow[] = [];
  for (const [e, n] of runs) for (let i = 0; i < n; i++) out.push(row(out.length / 5, e));
  return out;
};

test('segments: runs of one label, each ending where the next begins, with the mean probability', () => {
  const rows = rowsOf(['happy', 10], ['sad', 6]);
  rows[3].scores[CLASSES.indexOf('happy')] = 0.6;
  const segs = segmentsOf(rows);
  assert.equal(segs.length, 2);
  assert.deepEqual(
    segs.map((s) => [s.emotion, s.start, s.end, s.frames]),
    [
      ['happy', 0, 2, 10],
      ['sad', 2, 3, 6],
    ],
  );
  assert.ok(Math.abs(segs[0].meanProbability - 0.78) < 1e-6, String(segs[0].meanProbability));
  assert.deepEqual(segmentsOf([]), []);
});

test('segments: a short interruption between two runs of one label is merged; a long one is not', () => {
  // 0.4 s of surprise (2 frames at 5 fps) between happy runs: under 0.5 s, merged.
  const merged = segmentsOf(rowsOf(['happy', 10], ['surprise', 2], ['happy', 10]));
  assert.deepEqual(
    merged.map((s) => [s.emotion, s.start, s.end, s.frames]),
    [['happy', 0, 4.2, 22]],
  );
  // The merged segment's mean counts happy's probability on the interrupting frames too.
  assert.ok(Math.abs(merged[0].meanProbability - (20 * 0.8 + 2 * (0.2 / 6)) / 22) < 1e-6);
  // 0.6 s: kept apart.
  const apart = segmentsOf(rowsOf(['happy', 10], ['surprise', 3], ['happy', 10]));
  assert.deepEqual(
    apart.map((s) => s.emotion),
    ['happy', 'surprise', 'happy'],
  );
  // A threshold of 0 merges nothing; a short run between two different labels stays.
  assert.equal(segmentsOf(rowsOf(['happy', 10], ['surprise', 2], ['happy', 10]), { mergeGapSeconds: 0 }).length, 3);
  assert.equal(segmentsOf(rowsOf(['happy', 10], ['surprise', 1], ['sad', 10])).length, 3);
  // Chains of interruptions collapse into one.
  assert.equal(segmentsOf(rowsOf(['happy', 5], ['fear', 1], ['happy', 5], ['angry', 1], ['happy', 5])).length, 1);
});

test('summary: share of time per label and the dominant one, weighted by time not frames', () => {
  const s = summaryOf(rowsOf(['happy', 15], ['sad', 5]));
  assert.equal(s.dominant, 'happy');
  assert.ok(Math.abs(s.share.happy - 0.75) < 1e-9, String(s.share.happy));
  assert.ok(Math.abs(CLASSES.reduce((a, c) => a + s.share[c], 0) - 1) < 1e-9);
  // Uneven frames (a camera): two sad frames 1 s apart outweigh four happy ones 0.1 s apart.
  const uneven = [row(0, 'happy'), row(0.1, 'happy'), row(0.2, 'happy'), row(0.3, 'happy'), row(0.4, 'sad'), row(1.4, 'sad')];
  const u = summaryOf(uneven);
  assert.equal(u.dominant, 'sad');
  assert.deepEqual([u.start, u.end, u.frames], [0, 1.4, 6]);
  assert.equal(summaryOf([row(3, 'fear')]).share.fear, 1);
});

const scores = (emotion: Emotion, p: number): Scores =>
  Object.fromEntries(CLASSES.map((c) => [c, c === emotion ? p : (1 - p) / 6])) as Scores;
const box = (x: number): Box => ({ x, y: 50, w: 100, h: 100 });

/** 8 s at `fps`: face A (left) happy then surprise from 4 s; face B (right, drifting) disgust. */
function twoFaces(fps: number, timeline = new ExpressionTimeline()) {
  for (let f = 0; f <= 8 * fps; f++) {
    const t = f / fps;
    timeline.push(t, [
      { box: box(50), scores: t < 4 ? scores('happy', 0.9) : scores('surprise', 0.85) },
      { box: box(360 + 8 * t), scores: scores('disgust', 0.7) },
    ]);
  }
  return timeline;
}

test('timeline: two tracks, smoothed labels, the change found just after it happens, segments and summaries', () => {
  const timeline = twoFaces(5);
  assert.deepEqual(timeline.tracks, [1, 2]);
  assert.equal(timeline.rows.length, 2 * 41);
  const a = timeline.rowsOf(1);
  const flip = a.find((r) => r.emotion === 'surprise');
  assert.ok(flip && flip.time >= 4 && flip.time <= 4.5, `switched at ${flip?.time}`);
  assert.ok(timeline.rowsOf(2).every((r) => r.emotion === 'disgust'));
  const segs = timeline.segments(1);
  assert.deepEqual(
    segs.map((s) => s.emotion),
    ['happy', 'surprise'],
  );
  assert.equal(segs[0].end, segs[1].start);
  assert.equal(timeline.segments().length, 3);
  const [sa, sb] = timeline.summaries();
  assert.equal(sb.dominant, 'disgust');
  assert.ok(sa.share.happy > 0.45 && sa.share.surprise > 0.4);
  // Raw scores stay available: the first surprise frame's raw P(surprise) is the frame's own 0.85.
  const firstRaw = a.find((r) => r.time >= 4);
  assert.ok(firstRaw && Math.abs(firstRaw.raw[CLASSES.indexOf('surprise')] - 0.85) < 1e-6);
});

test('timeline: the same clip at 5 and 30 fps switches within one 5 fps frame of each other', () => {
  const at = (fps: number) =>
    twoFaces(fps)
      .rowsOf(1)
      .find((r) => r.emotion === 'surprise')?.time ?? Number.NaN;
  assert.ok(Math.abs(at(5) - at(30)) <= 0.2 + 1e-9, `${at(5)} vs ${at(30)}`);
});

test('timeline: push returns tracked faces in the order given, with the face passed through; recording can be off', () => {
  const timeline = new ExpressionTimeline({}, { recording: false });
  const face = { box: box(10), scores: scores('fear', 0.6), extra: 'kept' };
  const [tracked] = timeline.push(0, [face]);
  assert.equal(tracked.id, 1);
  assert.equal(tracked.emotion, 'fear');
  assert.equal(tracked.face.extra, 'kept');
  assert.ok(Math.abs(tracked.confidence - 0.6) < 1e-6);
  assert.equal(timeline.rows.length, 0);
  timeline.recording = true;
  timeline.push(0.2, [face]);
  assert.equal(timeline.rows.length, 1);
  timeline.clearRows();
  assert.deepEqual([timeline.rows.length, timeline.tracks.length], [0, 0]);
});

test('CSV: the header, then one row per frame and track, with smoothed and raw probabilities and the box', () => {
  const timeline = twoFaces(5);
  const csv = timelineCsv(timeline.rows);
  const lines = csv.trimEnd().split('\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(0, 10), ['time_s', 'track', 'emotion', ...CLASSES]);
  assert.deepEqual(header, [...CSV_COLUMNS]);
  for (const c of ['x', 'y', 'w', 'h', 'raw_happy']) assert.ok(header.includes(c), c);
  assert.equal(lines.length, 1 + 2 * 41);
  const cells = lines.map((l) => l.split(','));
  assert.ok(cells.every((c) => c.length === header.length));
  const col = (name: string) => header.indexOf(name);
  const last = cells.at(-1) ?? [];
  assert.deepEqual([last[col('time_s')], last[col('track')], last[col('emotion')], last[col('x')]], ['8', '2', 'disgust', '424']);
  for (const c of cells.slice(1)) {
    const sum = CLASSES.reduce((s, k) => s + Number(c[col(k)]), 0);
    assert.ok(Math.abs(sum - 1) < 0.002, `row sums to ${sum}`);
  }
  assert.equal(cells.find((c) => c[col('time_s')] === '0.2')?.[col('track')], '1');
});

test('JSON: rows, segments, summaries, the settings and the note on ids', () => {
  const timeline = twoFaces(5);
  const json = timelineJson(timeline, { sample_fps: 5 });
  assert.equal(json.note, TRACK_ID_NOTE);
  assert.deepEqual(json.classes, CLASSES);
  assert.equal(json.settings.tau_s, 0.3);
  assert.equal(json.settings.sample_fps, 5);
  assert.equal(json.rows.length, 82);
  assert.equal(json.rows[0].scores.length, 7);
  assert.deepEqual(
    json.segments.map((s) => [s.track, s.emotion]),
    [
      [1, 'happy'],
      [1, 'surprise'],
      [2, 'disgust'],
    ],
  );
  assert.deepEqual(
    json.summaries.map((s) => s.dominant),
    [json.summaries[0].dominant, 'disgust'],
  );
  // Survives a round trip through text.
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});
