/**
 * A training run's configuration, as train.ts writes it into metrics.json (run.flags) and export
 * and the model card read it back: one type from run to export.
 */
import { type AugmentOptions, type InputSteps, LEGACY_AUGMENT } from './augment.ts';
import type { MixOptions } from './mix.ts';
import type { OptimizerName, ScheduleName } from './optim.ts';
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
  /** Optimizer, its momentum (SGD) and Nesterov (SGD), and the learning-rate schedule. */
  optimizer: OptimizerName;
  momentum: number;
  nesterov: boolean;
  schedule: ScheduleName;
  /** Mixup / CutMix (0 alphas: off). */
  mix: MixOptions;
  /** Per-image standardization of every input (core's STANDARDIZATION), in training and in the exported graph. */
  standardize: boolean;
  /** Tone normalization of every input (core's TONE), in training and in the exported graph (which has it by default). */
  tone: boolean;
  /** Per-class loss weights (absent in runs from before the flag: 'none'). */
  classWeights: ClassWeighting;
  /** EMA decay, 0 = off. */
  ema: number;
  /** Weights a new run started from ('' = initWeights(seed)). */
  init: string;
}

/** Settings added after runs already existed: their defaults are the behaviour those runs had. */
export const LATER_DEFAULTS: Pick<
  RunConfig,
  'classWeights' | 'ema' | 'init' | 'augmentOptions' | 'standardize' | 'tone' | 'optimizer' | 'momentum' | 'nesterov' | 'schedule' | 'mix'
> = {
  optimizer: 'adamw',
  momentum: 0.9,
  nesterov: true,
  schedule: 'one-cycle',
  mix: { mixup: 0, cutmix: 0, prob: 1 },
  classWeights: 'none',
  ema: 0,
  init: '',
  augmentOptions: LEGACY_AUGMENT,
  standardize: false,
  tone: false,
};

/** The steps a run's inputs go through before its network (training.ts feeds them; the exported graph does them). */
export function inputStepsOf(config: Pick<RunConfig, 'tone' | 'standardize'>): InputSteps {
  return { tone: config.tone, standardize: config.standardize };
}

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

/** The optimizer in words. */
export function optimizerOf(c: Pick<RunConfig, 'optimizer' | 'momentum' | 'nesterov' | 'weightDecay'>): string {
  if (c.optimizer === 'sgd') return `SGD, momentum ${c.momentum}${c.nesterov ? ' (Nesterov)' : ''}, L2 weight decay ${c.weightDecay}`;
  return `AdamW, decoupled weight decay ${c.weightDecay}`;
}

/** The learning-rate schedule in words. */
export function scheduleOf(c: Pick<RunConfig, 'schedule' | 'lr' | 'warmup'>): string {
  const warm = `warm-up ${Number((c.warmup * 100).toFixed(2))}% of steps`;
  return c.schedule === 'cosine' ? `cosine to 0 after a linear ${warm}, peak ${c.lr}` : `one-cycle (cosine), ${warm}, peak ${c.lr}`;
}

/** The input steps in words ('none' when off). */
export function inputsOf(c: Pick<RunConfig, 'tone' | 'standardize'>): string {
  const parts = [c.tone ? 'tone-normalized' : '', c.standardize ? 'standardized' : ''].filter(Boolean);
  return parts.length ? `${parts.join(' and ')} per image` : 'none';
}

/** Mixup / CutMix in words ('none' when off). */
export function mixingOf(c: Pick<RunConfig, 'mix'>): string {
  const { mixup, cutmix, prob } = c.mix;
  const parts = [mixup > 0 ? `mixup alpha ${mixup}` : '', cutmix > 0 ? `CutMix alpha ${cutmix}` : ''].filter(Boolean);
  if (!parts.length) return 'none';
  return `${parts.join(' or ')}${prob < 1 ? `, on ${prob * 100}% of batches` : ''}`;
}
