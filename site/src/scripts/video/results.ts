/**
 * A timeline's result view, for a video file and for a recorded camera session: per track a chart
 * of the seven smoothed probabilities over time (chart.ts's geometry, drawn as SVG here), a summary
 * sentence and a table of segments (the chart's text alternative), and the CSV and JSON downloads.
 * With `seek`, clicking a chart or a segment moves the video there, and `playhead(t)` marks the time.
 */
import { type ExpressionTimeline, TRACK_ID_NOTE, timelineCsv, timelineJson } from '@emotion/core/timeline';
import type { LineChartModel } from '../../lib/chart';
import { formatClock, segmentText, summaryText, timeAtX, trackChart, trackName, xAtTime } from '../../lib/timeline-view';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Tracks seen on fewer frames than this are not charted (detector noise, a face passing): the exports still have them. */
const MIN_CHARTED_FRAMES = 3;

export interface TimelineViewOptions {
  /** File names of the downloads: `${fileBase}-expressions.csv`. */
  fileBase: string;
  /** Added to the JSON's settings (sampling rate, source). */
  settings: Record<string, unknown>;
  /** The x range of every chart (the video's length), so the charts line up. */
  domain?: readonly [number, number];
  seek?: (seconds: number) => void;
}

export interface TimelineView {
  /** Marks `seconds` on every chart. */
  playhead(seconds: number): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The chart as SVG, with a playhead line; role=img, named by the track heading, described by its summary. */
function chartSvg(model: LineChartModel, labelledBy: string, describedBy: string): { node: SVGSVGElement; playhead: SVGElement } {
  const { plot } = model;
  const node = svg('svg', {
    class: 'timeline-chart',
    viewBox: `0 0 ${model.width} ${model.height}`,
    role: 'img',
    'aria-labelledby': labelledBy,
    'aria-describedby': describedBy,
    'font-family': 'system-ui, sans-serif',
  }) as SVGSVGElement;
  for (const t of model.yTicks) node.append(svg('line', { x1: plot.left, x2: plot.right, y1: t.pos, y2: t.pos, stroke: '#e2e8f0' }));
  node.append(svg('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, stroke: '#94a3b8' }));
  node.append(svg('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom, stroke: '#94a3b8' }));
  const ticks = svg('g', { 'font-size': 14, fill: '#475569' });
  for (const t of model.yTicks)
    ticks.append(
      Object.assign(svg('text', { x: plot.left - 8, y: t.pos, 'text-anchor': 'end', 'dominant-baseline': 'middle' }), {
        textContent: t.label,
      }),
    );
  for (const t of model.xTicks)
    ticks.append(Object.assign(svg('text', { x: t.pos, y: plot.bottom + 20, 'text-anchor': 'middle' }), { textContent: t.label }));
  node.append(ticks);
  const axis = (x: number, y: number, text: string, rotate = false) =>
    Object.assign(
      svg('text', {
        x: rotate ? 0 : x,
        y: rotate ? 0 : y,
        'text-anchor': 'middle',
        'font-size': 13,
        fill: '#334155',
        'font-weight': 600,
        ...(rotate ? { transform: `translate(${x} ${y}) rotate(-90)` } : {}),
      }),
      { textContent: text },
    );
  node.append(
    axis((plot.left + plot.right) / 2, model.height - 8, model.xLabel),
    axis(16, (plot.top + plot.bottom) / 2, model.yLabel, true),
  );
  for (const s of model.series)
    node.append(
      svg('path', { d: s.path, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'data-class': s.label }),
    );
  const playhead = svg('line', {
    x1: plot.left,
    x2: plot.left,
    y1: plot.top,
    y2: plot.bottom,
    stroke: '#0f172a',
    'stroke-width': 1.5,
    visibility: 'hidden',
  });
  node.append(playhead);
  return { node, playhead };
}

/** Renders the view into `container` (replacing what was there). */
export function renderTimeline(container: HTMLElement, timeline: ExpressionTimeline, options: TimelineViewOptions): TimelineView {
  const { seek } = options;
  const json = () => JSON.stringify(timelineJson(timeline, options.settings), null, 1);
  const summaries = timeline.summaries();
  const charted = summaries.filter((s) => s.frames >= MIN_CHARTED_FRAMES).sort((a, b) => b.frames - a.frames);
  const brief = summaries.length - charted.length;
  const csvButton = el('button', { type: 'button', className: 'button primary', textContent: 'Download CSV' });
  csvButton.addEventListener('click', () => download(`${options.fileBase}-expressions.csv`, timelineCsv(timeline.rows), 'text/csv'));
  const jsonButton = el('button', { type: 'button', className: 'button', textContent: 'Download JSON (with segments)' });
  jsonButton.addEventListener('click', () => download(`${options.fileBase}-expressions.json`, json(), 'application/json'));
  const rows = timeline.rows.length;
  const heads = el(
    'div',
    { className: 'timeline-head' },
    el(
      'p',
      {},
      summaries.length
        ? `${summaries.length === 1 ? '1 face' : `${summaries.length} faces`} followed over ${rows} face-frames.`
        : 'No face was found.',
      brief
        ? ` ${brief} seen on fewer than ${MIN_CHARTED_FRAMES} frames ${brief === 1 ? 'is' : 'are'} not charted (they are in the downloads).`
        : '',
    ),
    el(
      'p',
      { className: 'timeline-note' },
      `Face numbers are track ids. ${TRACK_ID_NOTE} A face that leaves for more than ${timeline.options.maxGapSeconds} s comes back with a new number.`,
    ),
    el('div', { className: 'timeline-exports' }, csvButton, jsonButton),
  );
  const legend = el(
    'ul',
    { className: 'timeline-legend' },
    ...trackChart([]).series.map((s) => {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = s.color;
      return el('li', {}, swatch, s.label);
    }),
  );
  const playheads: { line: SVGElement; model: LineChartModel }[] = [];
  const tracks = charted.map((summary) => {
    const id = summary.track;
    const prefix = `${container.id || 'timeline'}-track-${id}`;
    const model = trackChart(timeline.rowsOf(id), options.domain);
    const title = el('h3', { id: `${prefix}-title`, textContent: trackName(id) });
    const about = el('p', {
      id: `${prefix}-summary`,
      className: 'track-summary',
      textContent: `${summaryText(summary)} Segments in the table below.`,
    });
    const { node, playhead } = chartSvg(model, title.id, about.id);
    playheads.push({ line: playhead, model });
    if (seek) {
      node.classList.add('seekable');
      node.addEventListener('click', (e) => {
        const box = node.getBoundingClientRect();
        seek(timeAtX(model, ((e.clientX - box.left) / (box.width || 1)) * model.width));
      });
    }
    const body = el('tbody');
    for (const s of timeline.segments(id)) {
      const when = `${formatClock(s.start)}–${formatClock(s.end)}`;
      const cell = seek
        ? el('button', { type: 'button', className: 'link-button', textContent: when, title: `Play from ${formatClock(s.start)}` })
        : when;
      if (cell instanceof HTMLButtonElement) {
        cell.setAttribute('aria-label', `${segmentText(s)}: play from ${formatClock(s.start)}`);
        cell.addEventListener('click', () => seek?.(s.start));
      }
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = model.series.find((x) => x.label === s.emotion)?.color ?? '#000';
      body.append(
        el(
          'tr',
          {},
          el('td', {}, swatch, s.emotion),
          el('td', {}, cell),
          el('td', { className: 'num', textContent: `${Math.round(s.meanProbability * 100)}%` }),
        ),
      );
    }
    const table = el(
      'table',
      { className: 'segments' },
      el('caption', { textContent: `${trackName(id)}: segments (runs of one smoothed expression)` }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Expression', 'When', 'Mean probability'].map((c) => {
            const th = el('th', { textContent: c });
            th.scope = 'col';
            return th;
          }),
        ),
      ),
      body,
    );
    return el('section', { className: 'track' }, title, about, node, table);
  });
  container.replaceChildren(heads, ...(tracks.length ? [legend, ...tracks] : []));
  return {
    playhead(seconds: number) {
      for (const { line, model } of playheads) {
        const x = xAtTime(model, seconds);
        line.setAttribute('x1', String(x));
        line.setAttribute('x2', String(x));
        line.setAttribute('visibility', x >= model.plot.left && x <= model.plot.right ? 'visible' : 'hidden');
      }
    },
  };
}
