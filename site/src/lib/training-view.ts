/** What the training pages show, derived from the run's files and the reference's curve. */
import { type LineChartModel, lineChart, type Point } from './chart';
import { REFERENCE_BEST, REFERENCE_CURVE, REFERENCE_EPOCHS } from './reference';
import type { EpochRecord, Metrics, ModelCard } from './training-data';

export const COLORS = {
  train: '#2563eb',
  val: '#c2410c',
  lr: '#0f766e',
  guide: '#475569',
} as const;

export interface ChartView {
  model: LineChartModel;
  table: { columns: string[]; rows: (string | number)[][] };
}

export interface RunSummary {
  best: { epoch: number; val_acc: number; val_loss: number } | null;
  epochsRun: number;
  epochsPlanned: number | null;
  inProgress: boolean;
  /** Wall time of the epochs run, in hours. */
  hours: number;
  /** Median training throughput over the epochs. */
  imagesPerSecond: number | null;
  /** Best validation accuracy minus the reference's best (0.6538), in accuracy units. */
  vsReference: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function bestEpoch(epochs: readonly EpochRecord[]): RunSummary['best'] {
  if (!epochs.length) return null;
  const b = epochs.reduce((a, e) => (e.val_acc > a.val_acc ? e : a));
  return { epoch: b.epoch, val_acc: b.val_acc, val_loss: b.val_loss };
}

export function summarize(metrics: Metrics, card: ModelCard | null): RunSummary {
  const best = metrics.best ?? bestEpoch(metrics.epochs);
  const epochsRun = metrics.epochs.length ? Math.max(...metrics.epochs.map((e) => e.epoch)) : 0;
  // A run started from a parent's weights counts its epochs after the parent's (training's export).
  const offset = num(metrics.run.lineage_offset) ?? 0;
  const planned = num(metrics.run.flags?.epochs) ?? num(card?.training?.epochs_planned);
  const epochsPlanned = planned === null ? null : planned + offset;
  const seconds = metrics.epochs.reduce((a, e) => a + (num(e.seconds) ?? 0), 0);
  return {
    best,
    epochsRun,
    epochsPlanned,
    inProgress: epochsPlanned !== null && epochsRun < epochsPlanned,
    hours: num(card?.training?.hours) ?? seconds / 3600,
    imagesPerSecond: median(metrics.epochs.map((e) => e.images_per_second).filter((v) => num(v) !== null)),
    vsReference: best ? best.val_acc - REFERENCE_BEST.val_acc : null,
  };
}

const fixed = (v: number | null | undefined, d = 4) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '–');
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

/** Every epoch either curve has, in order. */
function epochsOf(epochs: readonly EpochRecord[]): number[] {
  return [...new Set([...epochs.map((e) => e.epoch), ...REFERENCE_CURVE.map((r) => r.epoch)])].sort((a, b) => a - b);
}

function xDomain(epochs: readonly EpochRecord[]): [number, number] {
  return [0, Math.max(REFERENCE_EPOCHS, ...epochs.map((e) => e.epoch))];
}

const points = (epochs: readonly EpochRecord[], key: keyof EpochRecord): Point[] => epochs.map((e) => [e.epoch, e[key] as number]);

export function lossChart(epochs: readonly EpochRecord[]): ChartView {
  const ours = new Map(epochs.map((e) => [e.epoch, e]));
  const ref = new Map(REFERENCE_CURVE.map((r) => [r.epoch, r]));
  return {
    model: lineChart({
      xLabel: 'Epoch',
      yLabel: 'Cross-entropy loss',
      xDomain: xDomain(epochs),
      series: [
        { label: 'Training loss (this run)', points: points(epochs, 'train_loss'), color: COLORS.train },
        { label: 'Validation loss (this run)', points: points(epochs, 'val_loss'), color: COLORS.val },
        {
          label: 'Training loss (reference)',
          points: REFERENCE_CURVE.map((r) => [r.epoch, r.train_loss]),
          color: COLORS.train,
          dashed: true,
          markers: true,
        },
        {
          label: 'Validation loss (reference)',
          points: REFERENCE_CURVE.map((r) => [r.epoch, r.val_loss]),
          color: COLORS.val,
          dashed: true,
          markers: true,
        },
      ],
    }),
    table: {
      columns: ['Epoch', 'Train loss', 'Val loss', 'Reference train loss', 'Reference val loss'],
      rows: epochsOf(epochs).map((n) => [
        n,
        fixed(ours.get(n)?.train_loss),
        fixed(ours.get(n)?.val_loss),
        fixed(ref.get(n)?.train_loss),
        fixed(ref.get(n)?.val_loss),
      ]),
    },
  };
}

export function accuracyChart(epochs: readonly EpochRecord[]): ChartView {
  const ours = new Map(epochs.map((e) => [e.epoch, e]));
  const ref = new Map(REFERENCE_CURVE.map((r) => [r.epoch, r]));
  const hasTrainAcc = epochs.some((e) => num(e.train_acc) !== null);
  return {
    model: lineChart({
      xLabel: 'Epoch',
      yLabel: 'Accuracy',
      xDomain: xDomain(epochs),
      formatY: pct,
      series: [
        ...(hasTrainAcc
          ? [{ label: 'Training accuracy (this run, augmented)', points: points(epochs, 'train_acc'), color: COLORS.train }]
          : []),
        { label: 'Validation accuracy (this run)', points: points(epochs, 'val_acc'), color: COLORS.val },
        {
          label: 'Validation accuracy (reference)',
          points: REFERENCE_CURVE.map((r) => [r.epoch, r.val_acc]),
          color: COLORS.val,
          dashed: true,
          markers: true,
        },
      ],
      guides: [{ y: REFERENCE_BEST.val_acc, label: `Reference best ${(REFERENCE_BEST.val_acc * 100).toFixed(2)}%`, color: COLORS.guide }],
    }),
    table: {
      columns: ['Epoch', 'Train accuracy', 'Val accuracy', 'Reference val accuracy'],
      rows: epochsOf(epochs).map((n) => [n, fixed(ours.get(n)?.train_acc), fixed(ours.get(n)?.val_acc), fixed(ref.get(n)?.val_acc)]),
    },
  };
}

/** `epochsPlanned` spans the x axis over the whole schedule while a run is in progress. */
export function learningRateChart(epochs: readonly EpochRecord[], epochsPlanned: number | null = null): ChartView | null {
  const withLr = epochs.filter((e) => num(e.lr) !== null);
  if (!withLr.length) return null;
  return {
    // Plotted in units of 1e-3 so the ticks read 0, 0.5, 1, ... rather than exponents.
    model: lineChart({
      xLabel: 'Epoch',
      yLabel: 'Learning rate (×10⁻³)',
      height: 260,
      xDomain: [0, Math.max(epochsPlanned ?? 0, ...withLr.map((e) => e.epoch))],
      yDomain: [0, Math.max(...withLr.map((e) => e.lr * 1e3))],
      series: [{ label: 'Learning rate at the end of the epoch', points: withLr.map((e) => [e.epoch, e.lr * 1e3]), color: COLORS.lr }],
    }),
    table: {
      columns: ['Epoch', 'Learning rate', 'Seconds', 'Images/s'],
      rows: withLr.map((e) => [e.epoch, e.lr.toExponential(3), fixed(e.seconds, 0), fixed(e.images_per_second, 1)]),
    },
  };
}
