/**
 * What the video and camera timelines show, as plain data: clock times, a segment's words, each
 * class's colour, a track's chart (chart.ts's geometry) and its text alternative. No DOM: the
 * browser modules (src/scripts/video/) draw it, node's tests read it.
 */
import { CLASSES, type Emotion } from '@emotion/core/classes';
import type { Segment, TimelineRow, TrackSummary } from '@emotion/core/timeline';
import { type LineChartModel, lineChart } from './chart';

/** Okabe and Ito's colour-blind-safe palette (with a gray for neutral), one colour per class. */
export const CLASS_COLORS: Readonly<Record<Emotion, string>> = {
  angry: '#d55e00',
  disgust: '#009e73',
  fear: '#cc79a7',
  happy: '#e69f00',
  neutral: '#7f7f7f',
  sad: '#0072b2',
  surprise: '#56b4e9',
};

/** Seconds as m:ss.d (h:mm:ss.d from an hour): 3.24 -> "0:03.2". */
export function formatClock(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const s = Math.floor(tenths / 10) % 60;
  const m = Math.floor(tenths / 600) % 60;
  const h = Math.floor(tenths / 36000);
  const ss = `${String(s).padStart(2, '0')}.${tenths % 10}`;
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "happy 0:03.2–0:05.8, 81%" */
export function segmentText(s: Segment): string {
  return `${s.emotion} ${formatClock(s.start)}–${formatClock(s.end)}, ${Math.round(s.meanProbability * 100)}%`;
}

/** What a track is called on the page: a number for a position followed over time, not a person. */
export const trackName = (track: number): string => `Face ${track}`;

/** One sentence per track: when it was seen and how its time divides between expressions (largest first, those over 5%). */
export function summaryText(s: TrackSummary): string {
  const shares = CLASSES.filter((c) => s.share[c] >= 0.05)
    .sort((a, b) => s.share[b] - s.share[a])
    .map((c) => `${c} ${Math.round(s.share[c] * 100)}%`);
  return `${trackName(s.track)}, seen ${formatClock(s.start)}–${formatClock(s.end)} (${s.frames} frames): mostly ${s.dominant}; ${shares.join(', ')} of the time.`;
}

/** At most this many points per line: an hour at 5 fps would be 18,000, more than a chart can show. */
export const MAX_CHART_POINTS = 600;

/** The seven smoothed probabilities of one track over time, as a line chart model (x: seconds, y: %). */
export function trackChart(rows: readonly TimelineRow[], domain?: readonly [number, number]): LineChartModel {
  const step = Math.max(1, Math.ceil(rows.length / MAX_CHART_POINTS));
  const kept = rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
  // A gap in the track (frames where the face was not found) breaks the lines rather than joining across it.
  const gap = kept.length > 2 ? 3 * medianStep(kept) : Number.POSITIVE_INFINITY;
  return lineChart({
    series: CLASSES.map((c, k) => ({
      label: c,
      color: CLASS_COLORS[c],
      points: kept.flatMap((r, i): [number, number][] =>
        i > 0 && r.time - kept[i - 1].time > gap
          ? [
              [r.time, Number.NaN],
              [r.time, r.scores[k] * 100],
            ]
          : [[r.time, r.scores[k] * 100]],
      ),
    })),
    xLabel: 'Time (s)',
    yLabel: 'Probability (%)',
    xDomain: domain,
    yDomain: [0, 100],
    width: 720,
    height: 260,
    formatY: (v) => `${v}`,
    xTickCount: 8,
    yTickCount: 4,
  });
}

function medianStep(rows: readonly TimelineRow[]): number {
  const steps = rows
    .slice(1)
    .map((r, i) => r.time - rows[i].time)
    .sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 0;
}

/** The time at an x position of a chart (in its viewBox units), clamped to the plotted range. */
export function timeAtX(model: LineChartModel, x: number): number {
  const [t0, t1] = [model.xTicks[0]?.value ?? 0, model.xTicks.at(-1)?.value ?? 0];
  const { left, right } = model.plot;
  const f = Math.min(1, Math.max(0, (x - left) / (right - left || 1)));
  return t0 + f * (t1 - t0);
}

/** A video is sampled at this many frames a second unless the visitor picks another rate... */
export const VIDEO_DEFAULT_RATE = 5;
/** ...from this many up to this many (a 30 fps video's every frame; more would repeat frames). */
export const VIDEO_MIN_RATE = 0.5;
export const VIDEO_MAX_RATE = 30;

/** The x position (viewBox units) of a time on a chart; the inverse of timeAtX. */
export function xAtTime(model: LineChartModel, seconds: number): number {
  const [t0, t1] = [model.xTicks[0]?.value ?? 0, model.xTicks.at(-1)?.value ?? 0];
  return model.plot.left + ((seconds - t0) / (t1 - t0 || 1)) * (model.plot.right - model.plot.left);
}
