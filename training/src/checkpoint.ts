/**
 * Run folder files: checkpoint.safetensors (weights + AdamW state after the last finished epoch),
 * best.safetensors (weights of the best epoch by validation accuracy) and metrics.json.
 * Weights are stored in TensorFlow.js layouts under PyTorch names; export converts layouts.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metrics as MetricsOf } from '@emotion/core/artifacts';
import { PARAM_SPECS, TRAINABLE, type Weights } from './model.ts';
import type { AdamState } from './optim.ts';
import { type RunConfig, readRunConfig } from './run-config.ts';
import { decodeSafetensors, type Entry, encodeSafetensors } from './safetensors.ts';

export type { EpochRecord, RunSegment } from '@emotion/core/artifacts';

/** metrics.json as training writes and reads it: the run's settings typed. */
export type Metrics = MetricsOf<RunConfig>;

export const FILES = {
  checkpoint: 'checkpoint.safetensors',
  best: 'best.safetensors',
  metrics: 'metrics.json',
} as const;

/** Writes via a temporary file and rename, so an interrupted write never leaves a torn file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function weightEntries(w: Weights, prefix = ''): Record<string, Entry> {
  const e: Record<string, Entry> = {};
  for (const s of PARAM_SPECS) e[prefix + s.name] = { dtype: 'F32', shape: s.shape, data: w[s.name] };
  return e;
}

export function saveWeights(path: string, w: Weights, meta: Record<string, string> = {}): void {
  writeAtomic(path, encodeSafetensors(weightEntries(w), { format: 'tfjs-layout', ...meta }));
}

export function loadWeights(path: string): { weights: Weights; metadata: Record<string, string> } {
  const { entries, metadata } = decodeSafetensors(readFileSync(path));
  const weights: Weights = {};
  for (const s of PARAM_SPECS) {
    const e = entries[s.name];
    if (!e) throw new Error(`${path}: missing ${s.name}`);
    if (e.shape.join() !== s.shape.join()) throw new Error(`${path}: ${s.name} has shape [${e.shape}], expected [${s.shape}]`);
    weights[s.name] = e.data as Float32Array;
  }
  return { weights, metadata };
}

export interface TrainState {
  epoch: number; // epochs finished
  weights: Weights;
  adam: AdamState;
  /** The --ema moving average of every tensor (absent when --ema is off). */
  ema?: Weights;
}

export function saveCheckpoint(dir: string, st: TrainState): void {
  const entries = weightEntries(st.weights);
  for (const s of TRAINABLE) {
    entries[`optim.m.${s.name}`] = { dtype: 'F32', shape: s.shape, data: st.adam.m[s.name] };
    entries[`optim.v.${s.name}`] = { dtype: 'F32', shape: s.shape, data: st.adam.v[s.name] };
  }
  const meta: Record<string, string> = { format: 'tfjs-layout', epoch: String(st.epoch), adam_step: String(st.adam.step) };
  if (st.ema) {
    for (const s of PARAM_SPECS) entries[`ema.${s.name}`] = { dtype: 'F32', shape: s.shape, data: st.ema[s.name] };
    meta.ema = '1';
  }
  writeAtomic(join(dir, FILES.checkpoint), encodeSafetensors(entries, meta));
}

export function loadCheckpoint(dir: string): TrainState {
  const path = join(dir, FILES.checkpoint);
  if (!existsSync(path))
    throw new Error(
      `No checkpoint to resume from: ${path} (expected the last finished epoch's weights; a run interrupted in its first epoch has none: start it again)`,
    );
  const { entries, metadata } = decodeSafetensors(readFileSync(path));
  const { weights } = loadWeights(path);
  const m: Weights = {};
  const v: Weights = {};
  for (const s of TRAINABLE) {
    m[s.name] = entries[`optim.m.${s.name}`].data as Float32Array;
    v[s.name] = entries[`optim.v.${s.name}`].data as Float32Array;
  }
  const st: TrainState = { epoch: Number(metadata.epoch), weights, adam: { step: Number(metadata.adam_step), m, v } };
  if (metadata.ema === '1') {
    st.ema = {};
    for (const s of PARAM_SPECS) {
      const e = entries[`ema.${s.name}`];
      if (!e) throw new Error(`${path}: missing ema.${s.name}`);
      st.ema[s.name] = e.data as Float32Array;
    }
  }
  return st;
}

export function readMetrics(dir: string): Metrics {
  const path = join(dir, FILES.metrics);
  const m = JSON.parse(readFileSync(path, 'utf8')) as MetricsOf;
  return { ...m, run: { ...m.run, flags: readRunConfig(m.run.flags, path) } };
}

/** Writes metrics.json; settings may be partial (a file from an older run, read back with readRunConfig's defaults). */
export function writeMetrics(dir: string, m: MetricsOf<Partial<RunConfig>>): void {
  writeAtomic(join(dir, FILES.metrics), JSON.stringify(m, null, 2) + '\n');
}
