/**
 * Reads the committed training run (model/metrics.json, evaluation.json, model-card.json) at
 * build time. Any file may be missing (no trained model yet) or unreadable: the pages then say so
 * instead of failing the build, and the problem is printed in the build log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  ClassReport,
  EpochRecord,
  Evaluation as EvaluationFile,
  Report as EvaluationReport,
  Metrics as MetricsFile,
  ModelCard as ModelCardFile,
} from '@emotion/core/artifacts';
import { CLASSES } from '@emotion/core/classes';

export type { ClassReport, EpochRecord, EvaluationReport };

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

// The files' shapes live in core (written by training's export); pages read them leniently so an
// older or partial file still renders.
export type Metrics = Omit<MetricsFile, 'run'> & { run: DeepPartial<MetricsFile['run']> & Record<string, unknown> };
export type Evaluation = EvaluationReport & Partial<Omit<EvaluationFile, keyof EvaluationReport>>;
export type ModelCard = DeepPartial<ModelCardFile> & Record<string, unknown>;

export interface TrainingData {
  dir: string;
  metrics: Metrics | null;
  evaluation: Evaluation | null;
  card: ModelCard | null;
  /** Files that exist but could not be used, with the reason. */
  problems: string[];
}

export { MODEL_FILES as FILES } from '@emotion/core/artifacts';

import { MODEL_FILES as FILES } from '@emotion/core/artifacts';

type Check<T> = (v: unknown) => T;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function fail(what: string): never {
  throw new Error(what);
}

export const checkMetrics: Check<Metrics> = (v) => {
  if (!isObject(v) || !Array.isArray(v.epochs)) fail('expected an object with an "epochs" array');
  v.epochs.forEach((e, i) => {
    if (!isObject(e)) fail(`epochs[${i}] is not an object`);
    for (const k of ['epoch', 'train_loss', 'val_loss', 'val_acc'] as const) if (!isNum(e[k])) fail(`epochs[${i}].${k} is not a number`);
  });
  return {
    run: isObject(v.run) ? v.run : {},
    epochs: v.epochs as EpochRecord[],
    best: isObject(v.best) ? (v.best as Metrics['best']) : null,
  };
};

function checkReport(v: unknown, where: string): EvaluationReport {
  if (!isObject(v)) fail(`${where} is not an object`);
  if (!isNum(v.accuracy)) fail(`${where}.accuracy is not a number`);
  const k = CLASSES.length;
  const conf = v.confusion;
  if (!Array.isArray(conf) || conf.length !== k || !conf.every((r) => Array.isArray(r) && r.length === k && r.every(isNum)))
    fail(`${where}.confusion is not a ${k}x${k} matrix of numbers`);
  const perClass = v.per_class;
  if (!Array.isArray(perClass) || perClass.length !== k) fail(`${where}.per_class does not list the ${k} classes`);
  perClass.forEach((c, i) => {
    if (!isObject(c) || c.class !== CLASSES[i]) fail(`${where}.per_class[${i}] is not "${CLASSES[i]}" (classes in model order)`);
    for (const f of ['precision', 'recall', 'f1', 'support'] as const)
      if (!isNum(c[f])) fail(`${where}.per_class[${i}].${f} is not a number`);
  });
  return v as unknown as EvaluationReport;
}

export const checkEvaluation: Check<Evaluation> = (v) => {
  const report = checkReport(v, 'evaluation');
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.classes) && o.classes.join() !== CLASSES.join()) fail(`classes are [${o.classes}], expected [${CLASSES}]`);
  return { ...report, tta: o.tta == null ? null : checkReport(o.tta, 'evaluation.tta') } as Evaluation;
};

export const checkCard: Check<ModelCard> = (v) => {
  if (!isObject(v)) fail('expected an object');
  return v as ModelCard;
};

function readJson<T>(dir: string, file: string, check: Check<T>, problems: string[]): T | null {
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  try {
    return check(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    const problem = `${file}: ${(e as Error).message}`;
    problems.push(problem);
    console.warn(`[site] ignoring ${path}: ${problem}`);
    return null;
  }
}

let cached: TrainingData | undefined;

export function loadTrainingData(dir = process.env.MODEL_DIR ?? '../model'): TrainingData {
  const abs = resolve(dir);
  if (cached?.dir === abs) return cached;
  const problems: string[] = [];
  const metrics = readJson(abs, FILES.metrics, checkMetrics, problems);
  const evaluation = readJson(abs, FILES.evaluation, checkEvaluation, problems);
  const card = readJson(abs, FILES.card, checkCard, problems);
  cached = { dir: abs, metrics, evaluation, card, problems };
  return cached;
}
