/**
 * Trains ScratchCNN on FER2013. Read top to bottom: flags, data, model + optimizer state, the
 * epoch loop (shuffle, steps, validation, checkpoint), summary.
 *
 *   npm run train -w training -- --data ../shared/fer2013 --out training/runs/main   (paths: from where you typed it)
 *   npm run train -w training -- --resume training/runs/main
 */
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASSES } from '@emotion/core/classes';
import { deriveSeed, Rng } from '@emotion/core/rng';
import { DEFAULT_AUGMENT } from './augment.ts';
import { BACKENDS, type BackendChoice, selectBackend } from './backend.ts';
import {
  type EpochRecord,
  FILES,
  loadCheckpoint,
  loadWeights,
  type Metrics,
  type RunSegment,
  readMetrics,
  saveCheckpoint,
  saveWeights,
  type TrainState,
  writeMetrics,
} from './checkpoint.ts';
import { argPath, fromRecord, mustExist, recordedPath, shown, TRAINING_DIR } from './cli-paths.ts';
import { onOff } from './cli-values.ts';
import { averageGrads, updateRunningStats } from './combine.ts';
import { classCounts, DEFAULT_DATA, loadSplit } from './data.ts';
import { type GradientPool, inThreadPool, threadPool } from './gradient-pool.ts';
import { exitCleanlyOnInterrupt, newRunStatus, type RunStatus } from './interrupt.ts';
import { crossEntropy } from './metrics.ts';
import { countParams, initWeights, type Weights } from './model.ts';
import { adamwStep, initAdam, OPTIMIZERS, SCHEDULES, scheduledLr, sgdStep } from './optim.ts';
import { EpochProgress, formatDuration, RunClock } from './progress.ts';
import { CLASS_WEIGHTINGS, classWeightsFor, copyWeights, emaUpdate, parseClassWeighting, setWeights } from './recipe.ts';
import { augmentationOf, inputStepsOf, inputsOf, mixingOf, optimizerOf, type RunConfig, scheduleOf } from './run-config.ts';
import { type StepRequest, sharedWeights } from './shard.ts';

const FLAGS = {
  data: { type: 'string', default: DEFAULT_DATA, help: 'FER2013 folder (train/, test/) or fer2013.csv' },
  'val-data': { type: 'string', default: '', help: 'validation data if not the test split of --data' },
  out: { type: 'string', default: join(TRAINING_DIR, 'runs', 'scratchcnn'), help: 'run folder for metrics, checkpoints and best weights' },
  resume: {
    type: 'string',
    default: '',
    help: 'continue the run in this folder from its last checkpoint (the end of its last finished epoch; an interrupted epoch starts again)',
  },
  epochs: { type: 'string', default: '60', help: 'epochs in the whole run (fixes the schedule)' },
  'batch-size': { type: 'string', default: '64', help: 'images per optimizer step' },
  lr: { type: 'string', default: '0.002', help: 'peak learning rate of the one-cycle schedule' },
  warmup: { type: 'string', default: '0.2', help: 'fraction of steps spent warming up to --lr' },
  'weight-decay': { type: 'string', default: '0.0005', help: 'weight decay (AdamW: decoupled; SGD: L2 added to the gradient)' },
  'label-smoothing': { type: 'string', default: '0.1', help: 'cross-entropy label smoothing' },
  seed: { type: 'string', default: '42', help: 'seed for init, shuffling, augmentation and dropout' },
  backend: { type: 'string', default: 'auto', help: `one of ${BACKENDS.join('|')}` },
  threads: { type: 'string', default: 'auto', help: 'gradient threads (auto: one per core on wasm, 1 otherwise)' },
  workers: { type: 'string', default: '', help: 'deprecated name of --threads' },
  limit: { type: 'string', default: '0', help: 'use only this many training images (0 = all)' },
  'val-limit': { type: 'string', default: '0', help: 'use only this many validation images (0 = all)' },
  'stop-after': { type: 'string', default: '0', help: 'stop after this many epochs of this invocation (0 = run to the end)' },
  'no-augment': { type: 'boolean', default: false, help: 'train on unaugmented images' },
  flip: { type: 'string', default: String(DEFAULT_AUGMENT.flip), help: 'probability of a horizontal flip' },
  rotation: { type: 'string', default: String(DEFAULT_AUGMENT.maxRotation), help: 'largest rotation, degrees either way' },
  scale: { type: 'string', default: String(DEFAULT_AUGMENT.maxScale), help: 'zoom in [1/(1+s), 1+s], log-uniform (0 = off)' },
  shift: { type: 'string', default: String(DEFAULT_AUGMENT.maxShift), help: 'largest shift, pixels either way on each axis (0 = off)' },
  dim: { type: 'string', default: String(DEFAULT_AUGMENT.dim), help: 'probability of a dim exposure (luma times a factor, rounded)' },
  'min-brightness': { type: 'string', default: String(DEFAULT_AUGMENT.minBrightness), help: 'smallest brightness factor of --dim' },
  gamma: { type: 'string', default: String(DEFAULT_AUGMENT.gamma), help: 'probability of a gamma curve' },
  'max-gamma': { type: 'string', default: String(DEFAULT_AUGMENT.maxGamma), help: 'gamma log-uniform in [1/g, g]' },
  cutout: { type: 'string', default: String(DEFAULT_AUGMENT.cutout), help: 'probability of a cutout square' },
  erasing: { type: 'string', default: String(DEFAULT_AUGMENT.erasing), help: 'probability of random erasing' },
  optimizer: { type: 'string', default: 'adamw', help: `one of ${OPTIMIZERS.join('|')} (sgd: with momentum, as torch.optim.SGD)` },
  momentum: { type: 'string', default: '0.9', help: "SGD's momentum" },
  nesterov: { type: 'string', default: 'on', help: "SGD's Nesterov momentum (on|off)" },
  schedule: {
    type: 'string',
    default: 'one-cycle',
    help: `learning-rate schedule: ${SCHEDULES.join('|')} (cosine: linear warm-up, then cosine to 0)`,
  },
  mixup: { type: 'string', default: '0', help: 'mixup Beta(a, a) alpha (0 = off)' },
  cutmix: { type: 'string', default: '0', help: 'CutMix Beta(a, a) alpha (0 = off; with --mixup, each batch picks one)' },
  'mix-prob': { type: 'string', default: '1', help: 'probability a batch is mixed when --mixup or --cutmix is on' },
  standardize: {
    type: 'string',
    default: 'on',
    help: "per-image standardization of the model's input (on|off; the exported model does it in its graph)",
  },
  tone: {
    type: 'string',
    default: 'on',
    help: "tone normalization of the model's input, before standardization (on|off; the exported model does it in its graph)",
  },
  'class-weights': {
    type: 'string',
    default: 'none',
    help: `per-class cross-entropy weights from the training counts: ${CLASS_WEIGHTINGS.join('|')}`,
  },
  ema: { type: 'string', default: '0', help: 'decay of an EMA of the weights used for validation, best and export (0 = off)' },
  init: { type: 'string', default: '', help: 'start a new run from these weights (.safetensors; fresh optimizer and schedule)' },
  quiet: { type: 'boolean', default: false, help: 'no progress bar' },
  help: { type: 'boolean', default: false, help: 'show this help' },
} as const;

/** Where a run started from, when --init: enough to state the whole lineage on the model card. */
export interface InitFrom {
  path: string;
  sha256: string;
  /** Epoch of the parent run these weights are from (safetensors metadata), if recorded. */
  weights_epoch: number | null;
  /** BatchNorm updates the weights have had already (PyTorch's num_batches_tracked). */
  num_batches_tracked: number;
  /** The parent run (metrics.json beside the weights), if there is one. */
  parent: {
    folder: string;
    epochs_planned: number;
    epochs_run: number;
    best: Metrics['best'];
    hours: number;
    flags: RunConfig;
    git_commit: unknown;
    init_from: InitFrom | null;
  } | null;
}

function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([k, f]) => `  --${k.padEnd(16)} ${f.help}${f.type === 'string' && f.default ? ` (default ${f.default})` : ''}`,
  );
  return `Train ScratchCNN on FER2013.\n\nUsage: npm run train -w training -- [flags]\n\nPaths resolve against the directory you typed the command in.\n\n${lines.join('\n')}\n`;
}

function parseFlags(argv: string[]) {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, { type: f.type, default: f.default }]));
  const v = parseArgs({ args: argv, options: options as any, strict: true }).values as Record<string, string | boolean>;
  const num = (k: string) => {
    const n = Number(v[k]);
    if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got "${v[k]}"`);
    return n;
  };
  const oneOf = <T extends string>(k: string, options: readonly T[]): T => {
    if (!(options as readonly string[]).includes(v[k] as string))
      throw new Error(`--${k} must be one of ${options.join(', ')}, got "${v[k]}"`);
    return v[k] as T;
  };
  // Paths typed here resolve against the user's directory; metrics.json records them relative to training/ when inside it.
  const path = (k: string) => recordedPath(argPath(v[k] as string));
  const flags: RunConfig = {
    data: path('data'),
    valData: v['val-data'] ? path('val-data') : path('data'),
    out: path('out'),
    epochs: num('epochs'),
    batchSize: num('batch-size'),
    lr: num('lr'),
    warmup: num('warmup'),
    weightDecay: num('weight-decay'),
    labelSmoothing: num('label-smoothing'),
    seed: num('seed'),
    limit: num('limit'),
    valLimit: num('val-limit'),
    augment: !v['no-augment'],
    augmentOptions: {
      ...DEFAULT_AUGMENT,
      flip: num('flip'),
      maxRotation: num('rotation'),
      maxScale: num('scale'),
      maxShift: num('shift'),
      dim: num('dim'),
      minBrightness: num('min-brightness'),
      gamma: num('gamma'),
      maxGamma: num('max-gamma'),
      cutout: num('cutout'),
      erasing: num('erasing'),
    },
    standardize: onOff(v.standardize, '--standardize'),
    tone: onOff(v.tone, '--tone'),
    optimizer: oneOf('optimizer', OPTIMIZERS),
    momentum: num('momentum'),
    nesterov: onOff(v.nesterov, '--nesterov'),
    schedule: oneOf('schedule', SCHEDULES),
    mix: { mixup: num('mixup'), cutmix: num('cutmix'), prob: num('mix-prob') },
    classWeights: parseClassWeighting(v['class-weights']),
    ema: num('ema'),
    init: v.init ? path('init') : '',
  };
  if (!(flags.ema >= 0 && flags.ema < 1)) throw new Error(`--ema must be in [0, 1), got ${flags.ema}`);
  const a = flags.augmentOptions;
  for (const [k, p] of [
    ['flip', a.flip],
    ['dim', a.dim],
    ['gamma', a.gamma],
    ['cutout', a.cutout],
    ['erasing', a.erasing],
  ] as const)
    if (!(p >= 0 && p <= 1)) throw new Error(`--${k} is a probability in [0, 1], got ${p}`);
  if (!(a.minBrightness > 0 && a.minBrightness <= 1)) throw new Error(`--min-brightness must be in (0, 1], got ${a.minBrightness}`);
  if (!(a.maxGamma >= 1)) throw new Error(`--max-gamma must be at least 1, got ${a.maxGamma}`);
  if (!(flags.mix.mixup >= 0 && flags.mix.cutmix >= 0 && flags.mix.prob >= 0 && flags.mix.prob <= 1))
    throw new Error('--mixup and --cutmix must not be negative, --mix-prob in [0, 1]');
  if (!(flags.momentum >= 0 && flags.momentum < 1)) throw new Error(`--momentum must be in [0, 1), got ${flags.momentum}`);
  if (!(a.maxScale >= 0 && a.maxShift >= 0 && a.maxRotation >= 0)) throw new Error('--scale, --shift and --rotation must not be negative');
  const backend = v.backend as string;
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
  return {
    flags,
    backend: backend as BackendChoice,
    // --workers, the flag's former name, still works.
    threads: ((v.workers as string) || (v.threads as string)) as string,
    resume: v.resume ? argPath(v.resume as string) : '',
    stopAfter: num('stop-after'),
    quiet: v.quiet as boolean,
    help: v.help as boolean,
  };
}

function gitCommit(): string | null {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** `path` as metrics.json records it (relative to training/ when inside it). */
function describeInit(path: string): { weights: Weights; from: InitFrom } {
  const file = mustExist(
    fromRecord(path),
    '--init',
    "a .safetensors file of weights, such as a run folder's best.safetensors or checkpoint.safetensors",
  );
  const { weights, metadata } = loadWeights(file);
  const parentDir = dirname(file);
  let parent: InitFrom['parent'] = null;
  if (existsSync(join(parentDir, FILES.metrics))) {
    const pm = readMetrics(parentDir);
    parent = {
      folder: recordedPath(parentDir),
      epochs_planned: Number(pm.run.flags.epochs),
      epochs_run: pm.epochs.length,
      best: pm.best,
      hours: Number((pm.epochs.reduce((a, e) => a + e.seconds, 0) / 3600).toFixed(2)),
      flags: pm.run.flags,
      git_commit: pm.run.git_commit ?? null,
      init_from: (pm.run.init_from as InitFrom | undefined) ?? null,
    };
  }
  const ownBatches = Number(metadata.num_batches_tracked ?? metadata.adam_step ?? 0);
  const parentBatches = parent?.init_from?.num_batches_tracked ?? 0;
  return {
    weights,
    from: {
      path,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      weights_epoch: metadata.epoch === undefined ? null : Number(metadata.epoch),
      // A checkpoint's adam_step counts only its own run's steps; add its ancestors' (best files already do).
      num_batches_tracked: metadata.num_batches_tracked !== undefined ? ownBatches : ownBatches + parentBatches,
      parent,
    },
  };
}

function splitIndices(idx: Uint32Array, shards: number): Uint32Array[] {
  const per = Math.ceil(idx.length / shards);
  return Array.from({ length: shards }, (_, i) => idx.slice(i * per, Math.min(idx.length, (i + 1) * per))).filter((a) => a.length);
}

/** `status` is kept up to date for the Ctrl-C handler of the command line (exitCleanlyOnInterrupt). */
export async function train(argv: string[], status: RunStatus = newRunStatus()): Promise<Metrics> {
  const opts = parseFlags(argv);
  if (opts.help) {
    process.stdout.write(usage());
    return { run: { flags: opts.flags }, epochs: [], best: null };
  }
  const log = (s: string) => process.stdout.write(s + '\n');

  // Run folder and state: fresh, or exactly where an interrupted run stopped.
  let flags = opts.flags;
  let metrics: Metrics;
  let state: TrainState;
  const dir = opts.resume || fromRecord(flags.out);
  if (opts.resume) {
    mustExist(join(dir, FILES.metrics), '--resume', 'a run folder that npm run train wrote (metrics.json, checkpoint.safetensors)');
    metrics = readMetrics(dir);
    flags = metrics.run.flags;
    const done = metrics.epochs.at(-1)?.epoch ?? 0;
    // Said before the backend and the data load (minutes on a full run): there is nothing to train.
    if (done >= flags.epochs) {
      log(
        `${shown(dir)} finished all ${flags.epochs} epochs (best: epoch ${metrics.best?.epoch}, val acc ${metrics.best?.val_acc}); nothing to resume. ` +
          `Export it: npm run export -w training -- ${shown(dir)}`,
      );
      return metrics;
    }
    state = loadCheckpoint(dir);
    if (flags.ema > 0 && !state.ema) throw new Error(`${dir}: run uses --ema but its checkpoint holds no EMA weights`);
    metrics.epochs = metrics.epochs.filter((e) => e.epoch <= state.epoch);
    log(
      `Resuming ${shown(dir)} from its checkpoint after epoch ${state.epoch} of ${flags.epochs}: epoch ${state.epoch + 1} starts from its beginning`,
    );
  } else {
    if (existsSync(join(dir, FILES.checkpoint)))
      throw new Error(`${dir} already holds a run; use --resume ${shown(dir)} to continue it, or another --out`);
    mkdirSync(dir, { recursive: true });
    const init = flags.init ? describeInit(flags.init) : null;
    const weights = init ? init.weights : initWeights(flags.seed);
    state = { epoch: 0, weights, adam: initAdam(weights) };
    if (flags.ema > 0) state.ema = copyWeights(weights);
    metrics = { run: { flags, ...(init ? { init_from: init.from } : {}) }, epochs: [], best: null };
    if (init) {
      const p = init.from.parent;
      log(
        `Init from ${flags.init}${init.from.weights_epoch !== null ? ` (epoch ${init.from.weights_epoch}` : ' ('}${p ? ` of a ${p.epochs_run}-epoch run, best epoch ${p.best?.epoch} val acc ${p.best?.val_acc}` : ''})`,
      );
    }
  }
  status.dir = dir;
  status.checkpointed = state.epoch;
  status.epoch = state.epoch + 1;
  const initFrom = metrics.run.init_from as InitFrom | undefined;
  const baseBatches = initFrom?.num_batches_tracked ?? 0;

  const info = await selectBackend(opts.backend);
  for (const w of info.warnings) log(`\n!!! WARNING: ${w}\n`);
  const cores = availableParallelism();
  const threads = opts.threads === 'auto' ? (info.backend === 'tensorflow' ? 1 : Math.min(2, cores)) : Number(opts.threads);
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new Error(`--threads must be auto or a whole number of at least 1, got "${opts.threads}"`);
  log(
    `Backend: ${info.backend} on ${info.device}; ${threads} gradient thread(s) on ${cores} core(s) (${cpus()[0]?.model ?? 'unknown CPU'})`,
  );
  for (const m of info.missing ?? []) log(`  not used: ${m}`);

  const t0 = Date.now();
  const train = loadSplit(fromRecord(flags.data), 'train', flags.limit, true);
  const val = loadSplit(fromRecord(flags.valData), 'val', flags.valLimit, true);
  log(
    `Data: ${train.n} training images from ${train.source}, ${val.n} validation images from ${val.source} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  log(
    `Training images per class: ${classCounts(train)
      .map((c, i) => `${CLASSES[i]} ${c}`)
      .join(', ')}`,
  );
  log(`ScratchCNN: ${countParams().toLocaleString('en-US')} trainable parameters`);
  const classWeights = classWeightsFor(classCounts(train), flags.classWeights);
  if (classWeights) log(`Class weights (${flags.classWeights}): ${classWeights.map((w, i) => `${CLASSES[i]} ${w.toFixed(3)}`).join(', ')}`);
  log(`Augmentation: ${augmentationOf(flags)}; inputs: ${inputsOf(flags)}`);
  log(`Optimizer: ${optimizerOf(flags)}; schedule ${scheduleOf(flags)}; mixing: ${mixingOf(flags)}`);
  if (flags.ema > 0) log(`EMA of the weights, decay ${flags.ema}: validation, best.safetensors and export use it`);

  // Machine facts: the top-level fields describe this invocation; segments keep every one of them.
  const machine = {
    backend: info.backend,
    device: info.device,
    cpu: cpus()[0]?.model ?? null,
    cores,
    /** Gradient threads (the field keeps its first name, as committed metrics.json files have it). */
    workers: threads,
    node: process.version,
    git_commit: gitCommit(),
  };
  const segment: RunSegment = { from_epoch: state.epoch + 1, started_at: new Date().toISOString(), ...machine };
  Object.assign(metrics.run, {
    ...machine,
    segments: [...(metrics.run.segments ?? []).filter((s) => s.from_epoch < segment.from_epoch), segment],
    train_size: train.n,
    train_class_counts: Object.fromEntries(CLASSES.map((c, i) => [c, classCounts(train)[i]])),
    val_size: val.n,
    train_source: train.source,
    val_source: val.source,
    trainable_params: countParams(),
    ...(classWeights ? { class_weights: Object.fromEntries(CLASSES.map((c, i) => [c, Number(classWeights[i].toFixed(5))])) } : {}),
  });

  const { buffer, weights } = sharedWeights(state.weights);
  const adam = state.adam;
  const ema = state.ema ?? null;
  const pool: GradientPool =
    threads > 1 ? await threadPool(threads, info.backend as BackendChoice, { train, val }, buffer) : inThreadPool({ train, val }, weights);

  const stepsPerEpoch = Math.floor(train.n / flags.batchSize);
  if (stepsPerEpoch < 1) throw new Error(`--batch-size ${flags.batchSize} is larger than the ${train.n} training images`);
  const totalSteps = flags.epochs * stepsPerEpoch;
  const lastEpoch = opts.stopAfter > 0 ? Math.min(flags.epochs, state.epoch + opts.stopAfter) : flags.epochs;
  const clock = new RunClock(stepsPerEpoch, lastEpoch);
  const progress = new EpochProgress(opts.quiet, clock);
  status.progress = progress;

  try {
    for (let epoch = state.epoch + 1; epoch <= lastEpoch; epoch++) {
      status.epoch = epoch;
      const started = Date.now();
      const order = new Rng(deriveSeed(flags.seed, epoch)).shuffle(train.n);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lr = 0;
      progress.start(epoch, flags.epochs, stepsPerEpoch, flags.batchSize);
      for (let step = 0; step < stepsPerEpoch; step++) {
        const global = (epoch - 1) * stepsPerEpoch + step;
        lr = scheduledLr(flags.schedule, global, totalSteps, flags.lr, flags.warmup);
        const batch = order.subarray(step * flags.batchSize, (step + 1) * flags.batchSize);
        const reqs: StepRequest[] = splitIndices(batch, pool.shards).map((indices, shard) => ({
          indices,
          augSeed: deriveSeed(flags.seed, epoch, step, shard, 1),
          dropoutSeed: deriveSeed(flags.seed, epoch, step, shard, 2),
          labelSmoothing: flags.labelSmoothing,
          augment: flags.augment,
          augmentOptions: flags.augmentOptions,
          input: inputStepsOf(flags),
          mix: flags.mix,
          ...(classWeights ? { classWeights } : {}),
        }));
        const results = await pool.step(reqs);
        const grads = averageGrads(results);
        if (flags.optimizer === 'sgd')
          sgdStep(weights, grads, adam, { lr, momentum: flags.momentum, nesterov: flags.nesterov, weightDecay: flags.weightDecay });
        else adamwStep(weights, grads, adam, { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: flags.weightDecay });
        updateRunningStats(weights, results);
        if (ema) emaUpdate(ema, weights, flags.ema);
        for (const r of results) {
          lossSum += r.loss * r.count;
          correct += r.correct;
          seen += r.count;
        }
        progress.update(step + 1, lossSum / seen, correct / seen);
        // One pass through the event loop per step, so that Ctrl-C is heard even when the step ran in this thread.
        await new Promise((r) => setImmediate(r));
      }
      progress.stop();
      const trainSeconds = (Date.now() - started) / 1000;
      const validationStarted = Date.now();

      // With --ema, the EMA weights are validated (and kept as best); the raw weights are reported beside them.
      const validate = async () => crossEntropy(await pool.evalLogits('val', 0, val.n, inputStepsOf(flags)), val.labels);
      let raw: { loss: number; accuracy: number } | null = null;
      let v: { loss: number; accuracy: number };
      if (ema) {
        raw = await validate();
        const live = copyWeights(weights);
        setWeights(weights, ema); // the gradient threads read the shared weights
        try {
          v = await validate();
        } finally {
          setWeights(weights, live);
        }
      } else {
        v = await validate();
      }
      const record: EpochRecord & { val_loss_raw?: number; val_acc_raw?: number } = {
        epoch,
        train_loss: round(lossSum / seen),
        train_acc: round(correct / seen),
        val_loss: round(v.loss),
        val_acc: round(v.accuracy),
        lr: Number(lr.toPrecision(6)),
        seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
        images_per_second: Number((seen / trainSeconds).toFixed(1)),
        ...(raw ? { val_loss_raw: round(raw.loss), val_acc_raw: round(raw.accuracy) } : {}),
      };
      clock.validated((Date.now() - validationStarted) / 1000);
      metrics.epochs.push(record);
      const isBest = !metrics.best || record.val_acc > metrics.best.val_acc;
      if (isBest) {
        metrics.best = { epoch, val_acc: record.val_acc, val_loss: record.val_loss };
        const meta: Record<string, string> = { epoch: String(epoch), num_batches_tracked: String(baseBatches + adam.step) };
        if (ema) meta.ema = String(flags.ema);
        saveWeights(join(dir, FILES.best), ema ?? weights, meta);
      }
      saveCheckpoint(dir, { epoch, weights, adam, ...(ema ? { ema } : {}) });
      writeMetrics(dir, metrics);
      status.checkpointed = epoch;
      log(
        `epoch ${epoch}/${flags.epochs}  train loss ${record.train_loss.toFixed(4)} acc ${record.train_acc.toFixed(4)}  ` +
          `val loss ${record.val_loss.toFixed(4)} acc ${record.val_acc.toFixed(4)}${raw ? ` (EMA; raw ${raw.accuracy.toFixed(4)})` : ''}${isBest ? ' (best)' : ''}  ` +
          `lr ${lr.toExponential(2)}  ${record.seconds}s  ${record.images_per_second} img/s` +
          (epoch < lastEpoch ? `  run ETA ${formatDuration(clock.remaining(epoch, stepsPerEpoch))}` : ''),
      );
    }
  } finally {
    await pool.close();
  }
  if (metrics.best) log(`Best: epoch ${metrics.best.epoch}, val acc ${metrics.best.val_acc.toFixed(4)}. Run folder: ${shown(dir)}`);
  const trained = metrics.epochs.at(-1)?.epoch ?? 0;
  if (trained < flags.epochs) log(`Stopped after epoch ${trained} of ${flags.epochs}; continue with --resume ${shown(dir)}`);
  else if (metrics.best)
    log(`Next: npm run export -w training -- ${shown(dir)}   (writes ${shown(join(dir, 'export'))}; model/ is left alone)`);
  return metrics;
}

function round(x: number): number {
  return Number(x.toFixed(5));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const status = newRunStatus();
  exitCleanlyOnInterrupt(status);
  train(process.argv.slice(2), status).catch((err) => {
    process.stderr.write(`train: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
