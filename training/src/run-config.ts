/**
 * A training run's configuration, as train.ts writes it into metrics.json (run.flags) and export
 * and the model card read it back: one type from run to export.
 */
import { type AugmentOptions, LEGACY_AUGMENT } from './augment.ts';
import type { ClassWeighting } from './recipe.ts';

export interface RunConfig {
  data: string;
  valData: string;
  out: string;
  epochs: number;
  batchSize: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  labelSmoothing: number;
  seed: number;
  limit: number;
  valLimit: number;
  augment: boolean;
  /** What augmentation does when on (absent in runs from before these flags: LEGACY_AUGMENT). */
  augmentOptions: AugmentOptions;
  /** Per-image standardization of every input (core's STANDARDIZATION), in training and in the exported graph. */
  standardize: boolean;
  /** Per-class loss weights (absent in runs from before the flag: 'none'). */
  classWeights: ClassWeighting;
  /** EMA decay, 0 = off. */
  ema: number;
  /** Weights a new run started from ('' = initWeights(seed)). */
  init: string;
}

/** Settings added after runs already existed: their defaults are the behaviour those runs had. */
export const LATER_DEFAULTS: Pick<RunConfig, 'classWeights' | 'ema' | 'init' | 'augmentOptions' | 'standardize'> = {
  classWeights: 'none',
  ema: 0,
  init: '',
  augmentOptions: LEGACY_AUGMENT,
  standardize: false,
};

const NUMBERS = ['epochs', 'batchSize', 'lr', 'warmup', 'weightDecay', 'labelSmoothing', 'seed'] as const;

/** The config of a metrics.json's run.flags, the later settings defaulted; a clear error when one the export needs is not there. */
export function readRunConfig(flags: Record<string, unknown>, where = 'metrics.json'): RunConfig {
  for (const k of NUMBERS) if (typeof flags[k] !== 'number') throw new Error(`${where}: run.flags.${k} is not a number`);
  if (typeof flags.augment !== 'boolean') throw new Error(`${where}: run.flags.augment is not true or false`);
  // Checked above where export reads them; the folder and limit settings are only facts of the run.
  return { ...LATER_DEFAULTS, ...flags } as RunConfig;
}

/** The augmentation in words, from the options the run trained with (augment.ts). */
export function augmentationOf(config: Pick<RunConfig, 'augment'> & Partial<Pick<RunConfig, 'augmentOptions'>>): string {
  if (!config.augment) return 'none';
  const a = { ...LEGACY_AUGMENT, ...config.augmentOptions };
  const parts = [
    a.flip > 0 ? 'flip' : '',
    a.maxRotation > 0 ? `rotation +-${a.maxRotation} deg` : '',
    a.maxScale > 0 ? `scale x${(1 / (1 + a.maxScale)).toFixed(2)}-${(1 + a.maxScale).toFixed(2)}` : '',
    a.maxShift > 0 ? `shift +-${a.maxShift} px` : '',
    a.dim > 0 ? `dim exposure x${a.minBrightness}-1 (p ${a.dim})` : '',
    a.gamma > 0 ? `gamma ${(1 / a.maxGamma).toFixed(2)}-${a.maxGamma} (p ${a.gamma})` : '',
    a.cutout > 0 ? `cutout ${a.cutoutSize}x${a.cutoutSize}` : '',
    a.erasing > 0 ? 'random erasing' : '',
  ];
  return parts.filter(Boolean).join(', ');
}
