/**
 * Exports a run's best weights for deployment and for other frameworks:
 *   scratchcnn.onnx          BatchNorm folded, NCHW `input` -> `logits`, metadata with classes/normalization/metrics
 *   scratchcnn.fp16.onnx, scratchcnn.int8.onnx   smaller weight-only variants, evaluated the same way
 *   scratchcnn.safetensors   PyTorch state_dict (load_state_dict(strict=True) into the reference definition)
 *   metrics.json             the run's per-epoch record
 *   evaluation.json          the ONNX model on the validation set (with flip TTA), via the worker's preprocessing
 *   model-card.json, MODEL_CARD.md
 *
 *   npm run export -w training -- training/runs/fer2013 [--out <folder>] [--no-eval]
 *
 * It writes into the run folder's export/ unless --out says otherwise: the committed model/ is
 * replaced only when asked for by name (`--out model`), and the command prints how to try the
 * export (`npm start -- --model <folder>`), promote it and restore the committed one.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MODEL_FILES, type ModelVariant } from '@emotion/core/artifacts';
import { CLASSES, type Emotion, INPUT_SIZE, NORMALIZATION, STANDARDIZATION, TONE } from '@emotion/core/classes';
import { abstentionThreshold } from './abstention.ts';
import { FILES, loadWeights, type Metrics, readMetrics } from './checkpoint.ts';
import { argPath, fromRecord, fromRoot, mustExist, shown, TRAINING_DIR } from './cli-paths.ts';
import { onOff } from './cli-values.ts';
import { type Evaluation, evaluateModel } from './evaluate.ts';
import { toTorchStateDict } from './layout.ts';
import { countParams } from './model.ts';
import { hardwareOf, lineageOf, type ModelCard, renderModelCard } from './model-card.ts';
import { buildOnnx } from './onnx-export.ts';
import { MODEL_DIR } from './onnx-runner.ts';
import { quantizeOnnx } from './quantize.ts';
import { augmentationOf, mixingOf, optimizerOf, scheduleOf } from './run-config.ts';
import { encodeSafetensors } from './safetensors.ts';

export { MODEL_FILES };

/** The state-dict name of the last linear layer's bias (the logits' offsets). */
const FINAL_BIAS = 'classifier.4.bias';

export interface ExportOptions {
  out: string;
  evaluate: boolean;
  /** Validation data for the evaluation (default: the run's own). */
  data?: string;
  evalLimit?: number;
  /**
   * Added to the final layer's bias per class (a prior correction of the decision, chosen on the
   * validation set; recorded in the model card so that exporting again reproduces the model).
   */
  logitBias?: Partial<Record<Emotion, number>>;
  /**
   * Tone normalization (core's TONE) as the graph's first nodes (default true): a crop reads the same
   * in a dim room or through a camera's dark tone curve. Recorded in the card (`tone`).
   */
  tone?: boolean;
  /** Called with a line per step that takes a while (the evaluations). */
  onProgress?: (line: string) => void;
}

/** Where an export goes unless --out says otherwise: beside the run's checkpoints, never model/. */
export function defaultExportDir(runDir: string): string {
  return join(runDir, 'export');
}

/** `disgust=0.3,fear=-0.1` -> { disgust: 0.3, fear: -0.1 } */
export function parseLogitBias(spec: string): Partial<Record<Emotion, number>> {
  const out: Partial<Record<Emotion, number>> = {};
  for (const part of spec
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    const n = Number(value);
    if (!(CLASSES as readonly string[]).includes(name) || !Number.isFinite(n))
      throw new Error(`--logit-bias: "${part}" is not <class>=<number> with a class of ${CLASSES.join(', ')}`);
    out[name as Emotion] = n;
  }
  return out;
}

export async function exportRun(runDir: string, opts: ExportOptions): Promise<{ card: ModelCard; evaluation: Evaluation | null }> {
  const metrics: Metrics = readMetrics(runDir);
  const bestPath = join(runDir, FILES.best);
  if (!existsSync(bestPath)) throw new Error(`${runDir} has no ${FILES.best} yet (no finished epoch)`);
  const { weights, metadata } = loadWeights(bestPath);
  const bestEpoch = Number(metadata.epoch);
  const best = metrics.epochs.find((e) => e.epoch === bestEpoch);
  const flags = metrics.run.flags;
  // Published epochs count along the lineage (a run started with --init continues its parent's).
  const curve = withAncestors(runDir, metrics);
  const offset = curve.epochs.length - metrics.epochs.length;
  const version = `${new Date().toISOString().slice(0, 10)}-e${bestEpoch + offset}`;
  mkdirSync(opts.out, { recursive: true });

  const sd = toTorchStateDict(weights, Number(metadata.num_batches_tracked ?? 0));
  const logitBias = Object.fromEntries(Object.entries(opts.logitBias ?? {}).filter(([, b]) => b !== 0)) as Partial<Record<Emotion, number>>;
  const finalBias = sd[FINAL_BIAS].data as Float32Array;
  for (const [c, b] of Object.entries(logitBias)) finalBias[CLASSES.indexOf(c as Emotion)] += b!;
  const common = {
    name: 'ScratchCNN',
    version,
    classes: JSON.stringify(CLASSES),
    normalization: JSON.stringify(NORMALIZATION),
    input_size: String(INPUT_SIZE),
  };
  // A run trained on toned inputs needs the tone in its graph; the others read dim light better with it.
  if (flags.tone && opts.tone === false)
    throw new Error(
      `${shown(runDir)} trained on tone-normalized inputs (--tone on): its graph must normalize tone, so --tone off cannot be`,
    );
  const tone = opts.tone ?? true;
  // A PyTorch user tones and standardizes each input before `features` when the metadata says so.
  const stdMeta: Record<string, string> = {
    ...(tone ? { tone: JSON.stringify(TONE) } : {}),
    ...(flags.standardize ? { standardize: JSON.stringify(STANDARDIZATION) } : {}),
  };
  writeFileSync(join(opts.out, MODEL_FILES.safetensors), encodeSafetensors(sd, { format: 'pt', ...common, ...stdMeta }));
  const onnxMeta = {
    ...common,
    preprocessing:
      'decode (EXIF orientation, alpha over white) -> BT.601 luma -> crop face -> area-average resize to 48x48 -> (p/255 - 0.5)/0.5; NCHW [N,1,48,48]' +
      (tone ? "; the graph then normalizes each image's tone (see tone)" : '') +
      (flags.standardize ? '; the graph then standardizes each image (see standardize)' : ''),
    ...stdMeta,
    best_epoch: String(bestEpoch),
    ...(Object.keys(logitBias).length ? { logit_bias: JSON.stringify(logitBias) } : {}),
    metrics: JSON.stringify({ best: metrics.best, epoch: best ?? null }),
  };
  const onnxPath = join(opts.out, MODEL_FILES.onnx);
  const onnxBytes = buildOnnx(sd, onnxMeta, { standardize: flags.standardize, tone });
  writeFileSync(onnxPath, onnxBytes);
  writeFileSync(join(opts.out, MODEL_FILES.onnxFp16), quantizeOnnx(onnxBytes, 'fp16'));
  writeFileSync(join(opts.out, MODEL_FILES.onnxInt8), quantizeOnnx(onnxBytes, 'int8'));
  writeFileSync(join(opts.out, MODEL_FILES.metrics), JSON.stringify(curve, null, 2) + '\n');

  const data = opts.data ?? fromRecord(String(flags.valData ?? flags.data));
  // The run's own validation sample (--val-limit) unless told otherwise: the card describes what the run saw.
  const evalLimit = opts.evalLimit ?? (opts.data ? 0 : Number(flags.valLimit ?? 0));
  const evaluate = async (file: string, weights: string) => {
    if (!opts.evaluate) return null;
    const t0 = Date.now();
    const light = weights === 'float32';
    opts.onProgress?.(`  evaluating ${file} (${weights} weights) on ${shown(data)} with flip TTA${light ? ', also relit' : ''} ...`);
    const ev = await evaluateModel(join(opts.out, file), data, { tta: true, limit: evalLimit, light });
    opts.onProgress?.(
      `    accuracy ${ev.accuracy} (flip TTA ${ev.tta?.accuracy}) on ${ev.n} images, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return ev;
  };
  const variants: ModelVariant[] = [];
  let evaluation: Evaluation | null = null;
  for (const [file, weights] of [
    [MODEL_FILES.onnx, 'float32'],
    [MODEL_FILES.onnxFp16, 'fp16'],
    [MODEL_FILES.onnxInt8, 'int8'],
  ] as const) {
    const ev = await evaluate(file, weights);
    if (weights === 'float32') evaluation = ev;
    const bytes = statSync(join(opts.out, file)).size;
    variants.push({
      file,
      weights,
      bytes,
      accuracy: ev?.accuracy ?? null,
      tta_accuracy: ev?.tta?.accuracy ?? null,
      macro_f1: ev?.macro_f1 ?? null,
      log_loss: ev?.log_loss ?? null,
    });
  }
  if (evaluation) {
    evaluation.model = MODEL_FILES.onnx;
    writeFileSync(join(opts.out, MODEL_FILES.evaluation), JSON.stringify(evaluation, null, 2) + '\n');
  }

  const seconds = metrics.epochs.reduce((a, e) => a + e.seconds, 0);
  const classWeights = metrics.run.class_weights as Record<string, number> | undefined;
  const emaDecay = Number(flags.ema ?? 0);
  const lineage = lineageOf(metrics, runDir.split('/').slice(-2).join('/'));
  const card: ModelCard = {
    name: 'ScratchCNN',
    version,
    classes: [...CLASSES],
    input: { size: INPUT_SIZE, channels: 1, layout: 'NCHW' },
    normalization: { ...NORMALIZATION },
    ...(tone ? { tone: { ...TONE } } : {}),
    ...(flags.standardize ? { standardization: { ...STANDARDIZATION } } : {}),
    parameters: countParams(),
    training: {
      data: {
        train: metrics.run.train_source as string,
        train_size: metrics.run.train_size as number,
        val: metrics.run.val_source as string,
        val_size: metrics.run.val_size as number,
      },
      epochs_planned: Number(flags.epochs),
      epochs_run: metrics.epochs.length,
      best_epoch: bestEpoch + offset,
      hours: Number((seconds / 3600).toFixed(2)),
      backend: String(metrics.run.backend),
      device: String(metrics.run.device),
      cpu: hardwareOf(metrics),
      workers: Number(metrics.run.workers ?? 1),
      images_per_second: median(metrics.epochs.map((e) => e.images_per_second)),
      recipe: {
        optimizer: optimizerOf(flags),
        lr: flags.lr,
        schedule: scheduleOf(flags),
        weight_decay: flags.weightDecay,
        label_smoothing: flags.labelSmoothing,
        batch_size: flags.batchSize,
        augmentation: augmentationOf(flags),
        mixing: mixingOf(flags),
        standardized_inputs: flags.standardize,
        toned_inputs: flags.tone,
        seed: flags.seed,
        class_weights: classWeights
          ? `${flags.classWeights} (${Object.entries(classWeights)
              .map(([c, w]) => `${c} ${w.toFixed(3)}`)
              .join(', ')})`
          : 'none',
        weight_averaging:
          emaDecay > 0
            ? `EMA of all weights and BatchNorm statistics, decay ${emaDecay} per step; validated, selected and exported`
            : 'none',
        ...(lineage ? { started_from: `${(metrics.run.init_from as { path: string }).path} (see Lineage)` } : {}),
      },
    },
    validation: {
      dataset: datasetName(evaluation?.data ?? String(metrics.run.val_source ?? 'the validation split')),
      n: evaluation?.n ?? (metrics.run.val_size as number),
      accuracy: evaluation?.accuracy ?? best?.val_acc ?? null,
      macro_f1: evaluation?.macro_f1 ?? null,
      log_loss: evaluation?.log_loss ?? best?.val_loss ?? null,
      tta_accuracy: evaluation?.tta?.accuracy ?? null,
      per_class: evaluation?.per_class ?? null,
      ...(evaluation?.abstention ? { abstention: abstentionThreshold(evaluation.abstention) } : {}),
      ...(evaluation?.light ? { light: evaluation.light } : {}),
    },
    ...(Object.keys(logitBias).length
      ? {
          logit_bias: {
            added: logitBias,
            why: 'added to the final layer bias at export: a prior correction for the rarest class, chosen on PublicTest with flip TTA (npm run measure:logit-bias -w training)',
            reproduce: `npm run export -w training -- ${fromRoot(runDir)} --logit-bias ${Object.entries(logitBias)
              .map(([c, b]) => `${c}=${b}`)
              .join(',')}${tone ? '' : ' --tone off'}`,
          },
        }
      : {}),
    variants,
    reference: { val_accuracy: 0.6538, source: 'the seed model (../shared/MODEL.md), best of 100 epochs' },
    ...(lineage ? { lineage } : {}),
  };
  writeFileSync(join(opts.out, MODEL_FILES.card), JSON.stringify(card, null, 2) + '\n');
  writeFileSync(join(opts.out, MODEL_FILES.cardMd), renderModelCard(card, metrics));
  return { card, evaluation };
}

/**
 * The run's metrics with its ancestors' epochs before its own (read from their run folders, named
 * in init_from relative to the training folder), renumbered along the lineage: the site draws the
 * whole curve, and `run.lineage_offset` says where this run's own epochs start. A run without a
 * readable parent is returned as it is.
 */
export function withAncestors(runDir: string, m: Metrics): Metrics {
  const from = m.run.init_from as { weights_epoch?: number | null; parent?: { folder?: string } } | null | undefined;
  const parent = from?.parent?.folder;
  // Recorded relative to training/ (or, for older runs, to the folder above runs/).
  const parentDir = parent
    ? [resolve(dirname(dirname(runDir)), parent), resolve(TRAINING_DIR, parent)].find((d) => existsSync(join(d, FILES.metrics)))
    : undefined;
  if (!parentDir) return m;
  const ancestors = withAncestors(parentDir, readMetrics(parentDir));
  // Only the parent's epochs up to the one whose weights this run started from (its best, say).
  const parentOffset = Number(ancestors.run.lineage_offset ?? 0);
  const handedOn = from?.weights_epoch;
  const before =
    handedOn == null ? ancestors : { ...ancestors, epochs: ancestors.epochs.filter((e) => e.epoch <= parentOffset + handedOn) };
  const offset = before.epochs.length;
  return {
    run: { ...m.run, lineage_offset: offset },
    epochs: [...before.epochs, ...m.epochs.map((e) => ({ ...e, epoch: e.epoch + offset }))],
    best: m.best && { ...m.best, epoch: m.best.epoch + offset },
  };
}

/** FER2013's test folder (Kaggle) and the CSV's PublicTest rows by their name; anything else by its path. */
function datasetName(source: string): string {
  return /\(PublicTest\)$|\/test\/?$/.test(source) ? 'FER2013 PublicTest' : source;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(argv: string[]) {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'no-eval': { type: 'boolean', default: false },
      data: { type: 'string' },
      'logit-bias': { type: 'string', default: '' },
      tone: { type: 'string', default: 'on' },
      help: { type: 'boolean', default: false },
    },
  });
  if (v.help || positionals.length !== 1) {
    process.stdout.write(
      'Usage: npm run export -w training -- <run-folder> [--out <folder>] [--data <validation data>] [--no-eval] [--logit-bias <class>=<x>,...] [--tone on|off]\n\n' +
        "  --out <folder>   where to write (default: the run folder's export/); `--out model` replaces the committed model/\n" +
        "  --tone on|off    tone normalization of each crop as the graph's first step (default on: dim light and dark tone curves read as daylight)\n" +
        'Paths resolve against the directory you typed the command in.\n',
    );
    process.exit(v.help ? 0 : 1);
  }
  const runDir = argPath(positionals[0]);
  mustExist(join(runDir, FILES.metrics), 'run folder', 'a run folder that npm run train wrote (metrics.json, best.safetensors)');
  const out = v.out ? argPath(v.out) : defaultExportDir(runDir);
  const replacesCommitted = resolve(out) === resolve(MODEL_DIR);
  if (replacesCommitted)
    console.log(`Replacing the committed model in ${shown(out)} (as --out asked); \`git checkout -- model/\` restores it.`);
  console.log(`Exporting ${shown(runDir)} to ${shown(out)}`);
  const { card } = await exportRun(runDir, {
    out,
    evaluate: !v['no-eval'],
    data: v.data ? argPath(v.data) : undefined,
    logitBias: parseLogitBias(v['logit-bias']!),
    tone: onOff(v.tone, '--tone'),
    onProgress: (line) => console.log(line),
  });
  console.log(`Exported ${card.name} ${card.version} (best epoch ${card.training.best_epoch}) to ${shown(out)}`);
  for (const m of card.variants) {
    const acc = m.accuracy == null ? '' : `: validation accuracy ${m.accuracy} (flip TTA ${m.tta_accuracy}), macro-F1 ${m.macro_f1}`;
    console.log(`  ${m.file} (${m.weights} weights, ${(m.bytes / 1e6).toFixed(2)} MB)${acc}`);
  }
  console.log(nextSteps(out, replacesCommitted));
}

/** What to do with an export: try it, promote it to model/, and how to get the committed model back. */
export function nextSteps(out: string, replacedCommitted: boolean): string {
  if (replacedCommitted)
    return 'model/ now holds this export (npm start serves it, npm run deploy ships it). Restore the committed model: git checkout -- model/';
  const o = fromRoot(out);
  return [
    'Next, from the repo root:',
    `  try it:     npm start -- --model ${o}      (site + API with this model; model/ untouched)`,
    `  evaluate:   npm run evaluate -w training -- --model ${join(o, MODEL_FILES.onnx)} --tta`,
    `  promote:    cp ${o}/* model/      (model/ is what npm start and npm run deploy use by default)`,
    '  undo that:  git checkout -- model/      (the committed model back)',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`export: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
