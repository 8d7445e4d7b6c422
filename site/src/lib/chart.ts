/**
 * SVG chart geometry, computed at build time: scales, "nice" ticks, line paths and heatmap
 * colours. The .astro components turn these models into markup, so the charts are plain SVG in
 * the HTML and need no JavaScript in the browser. Small enough that a charting library (and its
 * client-side runtime) would cost more than it saves.
 */

export type Point = readonly [x: number, y: number];

export interface SeriesSpec {
  label: string;
  points: readonly Point[];
  color: string;
  dashed?: boolean;
  /** Draw a dot at every point (sparse series, like the reference's six published epochs). */
  markers?: boolean;
}

export interface GuideSpec {
  /** A horizontal line at this y value, e.g. the reference's best accuracy. */
  y: number;
  label: string;
  color: string;
}

export interface LineChartSpec {
  series: readonly SeriesSpec[];
  guides?: readonly GuideSpec[];
  xLabel: string;
  yLabel: string;
  /** Domains are widened to nice tick values; the data always fits. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
  formatY?: (v: number) => string;
  xTickCount?: number;
  yTickCount?: number;
}

export interface Tick {
  value: number;
  pos: number;
  label: string;
}

export interface PlottedPoint {
  cx: number;
  cy: number;
  x: number;
  y: number;
}

export interface PlottedSeries {
  label: string;
  color: string;
  dashed: boolean;
  path: string;
  markers: PlottedPoint[];
}

export interface PlottedGuide {
  pos: number;
  label: string;
  color: string;
}

export interface LineChartModel {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: Tick[];
  yTicks: Tick[];
  series: PlottedSeries[];
  guides: PlottedGuide[];
  xLabel: string;
  yLabel: string;
}

/** A step of 1, 2 or 5 times a power of ten, close to range / count. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !(count > 0)) return 1;
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
}

/** Decimals needed to print multiples of `step` exactly. */
export function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** The domain widened outwards to multiples of a nice step, and the ticks on it. */
export function niceTicks(min: number, max: number, count = 5): { domain: [number, number]; ticks: number[]; step: number } {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const decimals = stepDecimals(step);
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(Number((lo + i * step).toFixed(decimals)));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, step };
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** An SVG path through the points; a non-finite value breaks the line. */
export function linePath(points: readonly (readonly [number, number])[]): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round1(x)},${round1(y)}`;
    pen = true;
  }
  return d;
}

function extent(values: number[], fallback: readonly [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [fallback[0], fallback[1]];
}

export function lineChart(spec: LineChartSpec): LineChartModel {
  const width = spec.width ?? 560;
  const height = spec.height ?? 330;
  // Room for tick labels at the larger type used on phones (see LineChart.astro).
  const plot = { left: 70, top: 16, right: width - 20, bottom: height - 54 };
  const all = spec.series.flatMap((s) => s.points);
  const xs = extent(
    all.map((p) => p[0]),
    [0, 1],
  );
  const ys = extent([...all.map((p) => p[1]), ...(spec.guides ?? []).map((g) => g.y)], [0, 1]);
  const xNice = niceTicks(Math.min(spec.xDomain?.[0] ?? xs[0], xs[0]), Math.max(spec.xDomain?.[1] ?? xs[1], xs[1]), spec.xTickCount ?? 5);
  const yNice = niceTicks(Math.min(spec.yDomain?.[0] ?? ys[0], ys[0]), Math.max(spec.yDomain?.[1] ?? ys[1], ys[1]), spec.yTickCount ?? 5);
  const sx = linearScale(xNice.domain, [plot.left, plot.right]);
  const sy = linearScale(yNice.domain, [plot.bottom, plot.top]);
  const yDecimals = stepDecimals(yNice.step);
  const formatY = spec.formatY ?? ((v: number) => v.toFixed(yDecimals));
  return {
    width,
    height,
    plot,
    xTicks: xNice.ticks.map((value) => ({ value, pos: round1(sx(value)), label: String(value) })),
    yTicks: yNice.ticks.map((value) => ({ value, pos: round1(sy(value)), label: formatY(value) })),
    series: spec.series.map((s) => {
      const plotted = s.points.map(([x, y]) => ({ x, y, cx: round1(sx(x)), cy: round1(sy(y)) }));
      return {
        label: s.label,
        color: s.color,
        dashed: !!s.dashed,
        path: linePath(plotted.map((p) => [p.cx, p.cy])),
        // A series of one point draws no line: mark it so that it shows.
        markers: s.markers || plotted.length === 1 ? plotted.filter((p) => Number.isFinite(p.cy)) : [],
      };
    }),
    guides: (spec.guides ?? []).map((g) => ({ pos: round1(sy(g.y)), label: g.label, color: g.color })),
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
  };
}

/** ColorBrewer "Blues", light to dark: a sequential scale that stays readable in grayscale. */
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgbToHex([r, g, b]: readonly number[]): string {
  return '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
}

/** The heatmap colour for t in [0, 1]. */
export function heatColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const pos = clamped * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = hexToRgb(BLUES[i]);
  const b = hexToRgb(BLUES[i + 1]);
  return rgbToHex(a.map((c, k) => c + (b[k] - c) * f));
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const lin = hexToRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Black and white, not the page's softer ink: with them, one of the two reaches 4.58:1 on ANY
// background (WCAG AA for normal text); with #0f172a, mid-blue cells fall to 4.3:1.
export const INK = '#000000';
export const PAPER = '#ffffff';

/** Black or white text, whichever contrasts more with the background. */
export function textOn(background: string): string {
  return contrastRatio(background, INK) >= contrastRatio(background, PAPER) ? INK : PAPER;
}
