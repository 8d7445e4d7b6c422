import type { TONE } from './classes.ts';

/**
 * The committed model's files (model/ at the repo root) and their JSON shapes: written by the
 * training package's export, read by the worker (GET /model) and the site's training pages.
 */
export const MODEL_FILES = {
  onnx: 'scratchcnn.onnx',
  /** Smaller weight-only variants (training/src/quantize.ts); the worker ships the float32 model. */
  onnxFp16: 'scratchcnn.fp16.onnx',
  onnxInt8: 'scratchcnn.int8.onnx',
  safetensors: 'scratchcnn.safetensors',
  metrics: 'metrics.json',
  evaluation: 'evaluation.json',
  card: 'model-card.json',
  cardMd: 'MODEL_CARD.md',
} as const;

/** metrics.json: one record per finished epoch. */
export interface EpochRecord {
  epoch: number;
  /** Training objective (cross-entropy with label smoothing) on augmented images, dropout on. */
  train_loss: number;
  train_acc: number;
  /** Plain cross-entropy on the validation set. */
  val_loss: number;
  val_acc: number;
  lr: number;
  seconds: number;
  images_per_second: number;
}

/** One invocation of the trainer (the first, or a resume): a run may span several machines. */
export interface RunSegment {
  from_epoch: number;
  started_at?: string;
  backend: string;
  device: string;
  cpu: string | null;
  cores: number;
  workers: number;
  node: string;
  git_commit: string | null;
}

/** `Config`: the run's settings (run.flags); training reads them as its RunConfig (training/src/run-config.ts). */
export interface Metrics<Config = Record<string, unknown>> {
  /** Run facts; the machine fields describe the latest segment, `segments` every one. */
  run: Record<string, unknown> & { flags: Config; segments?: RunSegment[] };
  epochs: EpochRecord[];
  best: { epoch: number; val_acc: number; val_loss: number } | null;
}

export interface ClassReport {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** A classification report on a labelled set. */
export interface Report {
  n: number;
  accuracy: number;
  macro_f1: number;
  log_loss: number;
  per_class: ClassReport[];
  /** rows: true class, columns: predicted class */
  confusion: number[][];
}

/** evaluation.json */
export interface Evaluation extends Report {
  model: string;
  data: string;
  classes: string[];
  /** The same figures with horizontal-flip test-time augmentation, when it was run. */
  tta: Report | null;
  /** With flip TTA: answers kept and right at each threshold of the top probability (training's abstention.ts). */
  abstention?: Abstention[] | null;
  /** With flip TTA: the set as it is and relit as a dim room or a camera's curve would (training's light-eval.ts). */
  light?: LightAccuracy[] | null;
  seconds: number;
}

/**
 * Answers whose top probability is at least `threshold`: their share of the validation set
 * (`answered`) and the share of those that are right (`right`), with flip TTA as the API answers.
 */
export interface Abstention {
  threshold: number;
  answered: number;
  right: number;
  /** The share of kept answers that must be right for the threshold to be chosen. */
  target: number;
}

/** Accuracy on a labelled set relit (`light`: "as is", "dim 30%", "gamma 2", ...), and the share of answers per class. */
export interface LightAccuracy {
  light: string;
  accuracy: number;
  predicted: Record<string, number>;
}

/**
 * A card's tone normalization with its figures, as GET /model, MODEL_CARD.md and the site's model
 * card state it: "normalizes each crop's tone: <this>".
 */
export function toneFormula(t: Record<keyof typeof TONE, number>): string {
  return `its ${t.whiteQuantile * 100}th percentile of luma w to ${t.whitePoint}, then ${t.whitePoint} * (p / w)^g (clipped to 255), the power g bringing its median to ${t.midRatio} * w`;
}

/** model-card.json */
export interface ModelCard {
  name: string;
  version: string;
  classes: string[];
  input: { size: number; channels: number; layout: 'NCHW' };
  normalization: { mean: number; std: number };
  /** Per-crop tone normalization the model's graph does first (core's TONE), when exported with it (`--tone`). */
  tone?: Record<keyof typeof TONE, number>;
  /** Per-crop standardization the model does as its first step (core's STANDARDIZATION), when trained with it. */
  standardization?: { mean: number; std: number; minStd: number };
  parameters: number;
  training: {
    data: { train: string; train_size: number; val: string; val_size: number };
    epochs_planned: number;
    epochs_run: number;
    best_epoch: number;
    hours: number;
    backend: string;
    device: string;
    cpu: string | null;
    workers: number;
    images_per_second: number;
    recipe: Record<string, unknown>;
  };
  validation: {
    dataset: string;
    n: number;
    accuracy: number | null;
    macro_f1: number | null;
    log_loss: number | null;
    tta_accuracy: number | null;
    per_class: ClassReport[] | null;
    /**
     * The threshold behind answers' `uncertain` (the lowest meeting the target on this set); absent
     * from cards exported before it was measured.
     */
    abstention?: Abstention;
    /** Accuracy with flip TTA in dim light and under a gamma curve; absent from older cards. */
    light?: LightAccuracy[];
  };
  /** The float32 model and its smaller variants, each evaluated like the float32 one. */
  variants: ModelVariant[];
  reference: { val_accuracy: number; source: string };
  /** Per-class offsets added to the final layer's bias at export (training's --logit-bias), and how to export it again. */
  logit_bias?: { added: Record<string, number>; why: string; reproduce: string };
  /** Every run this model continues (training's --init), oldest first; absent for a single run. */
  lineage?: LineageStep[];
}

/** One run of a lineage, oldest first; the last is the run being exported. */
export interface LineageStep {
  run: string;
  init: string;
  epochs_run: number;
  epochs_planned: number;
  best_epoch: number | null;
  best_val_acc: number | null;
  hours: number;
  recipe: string;
  /** The weights of this run that started the next one. */
  handed_on?: { path: string; epoch: number | null; sha256: string };
}

export interface ModelVariant {
  file: string;
  weights: 'float32' | 'fp16' | 'int8';
  bytes: number;
  accuracy: number | null;
  tta_accuracy: number | null;
  macro_f1: number | null;
  log_loss: number | null;
}
