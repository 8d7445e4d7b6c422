/** The model card: machine-readable (model-card.json, read by the worker and site) and as Markdown. */

import { type LineageStep, type ModelCard, toneFormula } from '@emotion/core/artifacts';
import type { Metrics } from './checkpoint.ts';
import { augmentationOf, inputsOf, LATER_DEFAULTS, mixingOf, optimizerOf, type RunConfig, scheduleOf } from './run-config.ts';
import type { InitFrom } from './train.ts';

export type { LineageStep, ModelCard };

function recipeOf(flags: RunConfig): string {
  // A parent's flags are stored as its run wrote them: settings added later take their defaults.
  const f = { ...LATER_DEFAULTS, ...flags };
  const mixing = mixingOf(f);
  const inputs = inputsOf(f);
  const parts = [
    optimizerOf(f),
    scheduleOf(f),
    `label smoothing ${f.labelSmoothing}`,
    `batch ${f.batchSize}`,
    f.augment === false ? 'no augmentation' : `augmented (${augmentationOf(f)})`,
    ...(mixing !== 'none' ? [mixing] : []),
    ...(inputs !== 'none' ? [`inputs ${inputs}`] : []),
    `class weights ${f.classWeights ?? 'none'}`,
    `EMA ${Number(f.ema ?? 0) > 0 ? f.ema : 'off'}`,
    `seed ${f.seed}`,
  ];
  return parts.join(', ');
}

/**
 * The whole lineage of a run started with --init: every ancestor run (from metrics.json's
 * init_from, recursively), then this one. Null for a run from random weights.
 */
export function lineageOf(m: Metrics, runName = 'this run'): LineageStep[] | null {
  const from = m.run.init_from as InitFrom | undefined;
  if (!from) return null;
  const steps: LineageStep[] = [];
  const walk = (f: InitFrom) => {
    const p = f.parent;
    if (p?.init_from) walk(p.init_from);
    steps.push({
      run: p?.folder ?? 'an earlier run (no metrics.json beside its weights)',
      init: p?.init_from ? `from ${p.init_from.path}` : p ? `random (PyTorch default init, seed ${p.flags.seed})` : 'unknown',
      epochs_run: p?.epochs_run ?? 0,
      epochs_planned: p?.epochs_planned ?? 0,
      best_epoch: p?.best?.epoch ?? null,
      best_val_acc: p?.best?.val_acc ?? null,
      hours: p?.hours ?? 0,
      recipe: p ? recipeOf(p.flags) : 'unknown',
      handed_on: { path: f.path, epoch: f.weights_epoch, sha256: f.sha256 },
    });
  };
  walk(from);
  steps.push({
    run: runName,
    init: `from ${from.path} (fresh optimizer state and learning-rate schedule)`,
    epochs_run: m.epochs.length,
    epochs_planned: Number(m.run.flags.epochs),
    best_epoch: m.best?.epoch ?? null,
    best_val_acc: m.best?.val_acc ?? null,
    hours: Number((m.epochs.reduce((a, e) => a + e.seconds, 0) / 3600).toFixed(2)),
    recipe: recipeOf(m.run.flags),
  });
  return steps;
}

function renderLineage(steps: LineageStep[] | null): string {
  if (!steps) return '';
  const rows = steps.map(
    (s, i) =>
      `| ${i + 1} | ${s.run} | ${s.init} | ${s.epochs_run} of ${s.epochs_planned} | ${s.best_epoch ?? 'n/a'} (${pct(s.best_val_acc)}) | ${s.hours} | ${s.recipe} |`,
  );
  const handed = steps
    .filter((s) => s.handed_on)
    .map(
      (s) =>
        `- ${s.run} handed on \`${s.handed_on!.path}\` (epoch ${s.handed_on!.epoch ?? 'n/a'}, sha256 \`${s.handed_on!.sha256.slice(0, 16)}…\`)`,
    );
  const epochs = steps.reduce((a, s) => a + s.epochs_run, 0);
  const hours = steps.reduce((a, s) => a + s.hours, 0);
  return `
## Lineage

This model was not trained in one run: it continues earlier runs of the same architecture, from
scratch, on FER2013's training split only, each chosen on PublicTest only. In all: ${epochs} epochs,
${hours.toFixed(2)} h of training.

| # | run | started from | epochs | best epoch (PublicTest acc) | hours | recipe |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${handed.join('\n')}
`;
}

/** The CPUs a run trained on, with epoch ranges when it moved between machines (resumed elsewhere). */
export function hardwareOf(m: Metrics): string | null {
  const last = m.epochs.at(-1)?.epoch ?? 0;
  const groups: { cpu: string; from: number }[] = [];
  for (const s of m.run.segments ?? []) {
    const cpu = s.cpu ?? 'unknown CPU';
    if (s.from_epoch <= last && groups.at(-1)?.cpu !== cpu) groups.push({ cpu, from: s.from_epoch });
  }
  if (groups.length < 2) return groups[0]?.cpu ?? ((m.run.cpu as string | undefined) || null);
  return groups.map((g, i) => `${g.cpu} (epochs ${g.from}-${(groups[i + 1]?.from ?? last + 1) - 1})`).join(', ');
}

/** The rarest class of the run's own training data and the weakest on validation, from what the run recorded. */
function classBalance(c: ModelCard, m: Metrics): string {
  const counts = m.run.train_class_counts as Record<string, number> | undefined;
  const lines: string[] = [];
  if (counts) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const [rare, n] = Object.entries(counts).sort((a, b) => a[1] - b[1])[0];
    lines.push(
      `- \`${rare}\` is the rarest class of this run's training data (${n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} images).`,
    );
  } else {
    lines.push("- `disgust` is FER2013's rarest class (about 1.5% of its training split).");
  }
  const weakest = c.validation.per_class?.slice().sort((a, b) => a.recall - b.recall)[0];
  if (weakest) lines.push(`- The weakest class on validation is \`${weakest.class}\` (recall ${weakest.recall.toFixed(3)}).`);
  return lines.join('\n');
}

const pct = (x: number | null | undefined) => (x == null ? 'n/a' : `${(x * 100).toFixed(2)}%`);

export function renderModelCard(c: ModelCard, m: Metrics): string {
  const t = c.training;
  const v = c.validation;
  const finished = t.epochs_run >= t.epochs_planned;
  const perClass = v.per_class
    ? [
        '| class | precision | recall | F1 | support |',
        '|---|---|---|---|---|',
        ...v.per_class.map(
          (p) => `| ${p.class} | ${p.precision.toFixed(3)} | ${p.recall.toFixed(3)} | ${p.f1.toFixed(3)} | ${p.support} |`,
        ),
      ].join('\n')
    : '_Not evaluated._';
  const light = v.light?.length
    ? [
        '',
        `In dim light: the validation set relit as a camera would see it (luma times a brightness, a gamma curve, rounded to whole grey levels), with flip TTA${c.tone ? `; the model's graph first normalizes each crop's tone (${toneFormula(c.tone)})` : ''}${c.standardization ? '; the model standardizes each crop first' : ''}:`,
        '',
        '| light | accuracy | answered sad |',
        '|---|---|---|',
        ...v.light.map((l) => `| ${l.light} | ${pct(l.accuracy)} | ${pct(l.predicted.sad)} |`),
      ].join('\n')
    : '';
  const curve = m.epochs
    .filter((e) => e.epoch === 1 || e.epoch % 5 === 0 || e.epoch === m.epochs.length)
    .map(
      (e) => `| ${e.epoch} | ${e.train_loss.toFixed(4)} | ${e.val_loss.toFixed(4)} | ${e.val_acc.toFixed(4)} | ${e.lr.toExponential(2)} |`,
    );
  return `# Model card: ${c.name} ${c.version}

Facial-expression classifier: one grayscale 48x48 face crop in, 7 class scores out
(${c.classes.join(', ')}). Architecture fixed by \`../shared/MODEL.md\`: 6 conv+BatchNorm+ReLU layers,
4 max pools, dense 2376->256->7 with dropout 0.4; ${c.parameters.toLocaleString('en-US')} trainable parameters.

## Status

${finished ? `Training finished: ${t.epochs_run} of ${t.epochs_planned} planned epochs.` : `**Training in progress**: ${t.epochs_run} of ${t.epochs_planned} planned epochs done; this export holds the best epoch so far. Its one-cycle learning-rate schedule is mid-way, so accuracy is below what the finished run will reach.`}

## Results on the validation set (${v.dataset}, n=${v.n})

| metric | value |
|---|---|
| accuracy | **${pct(v.accuracy)}** |
| accuracy with horizontal-flip TTA (what the API serves by default) | ${pct(v.tta_accuracy)} |
| macro-F1 | ${v.macro_f1 ?? 'n/a'} |
| log loss | ${v.log_loss ?? 'n/a'} |
${v.abstention ? `| \`uncertain\` below a top score of ${v.abstention.threshold} (the lowest threshold at which the answers kept are ${pct(v.abstention.target)} right or more, with TTA) | ${pct(v.abstention.answered)} answered, ${pct(v.abstention.right)} of them right |\n` : ''}| reference: ${c.reference.source} | ${pct(c.reference.val_accuracy)} |

${perClass}
${light}

## Files

| file | weights | size | accuracy | with flip TTA | macro-F1 |
|---|---|---|---|---|---|
${c.variants.map((m) => `| \`${m.file}\` | ${m.weights} | ${(m.bytes / 1e6).toFixed(2)} MB | ${pct(m.accuracy)} | ${pct(m.tta_accuracy)} | ${m.macro_f1 ?? 'n/a'} |`).join('\n')}

The API and the site use the float32 model. The fp16 and int8 files store only the weights smaller
(widened to float32 when the model loads), for users who need a smaller download.

## Data

${t.data.train_size.toLocaleString('en-US')} training images (${t.data.train}). The best epoch was selected by
accuracy on ${t.data.val_size.toLocaleString('en-US')} validation images (${t.data.val}); nothing else was used for training or
selection. The results above are on ${v.n.toLocaleString('en-US')} images of ${v.dataset}.

## Recipe

${Object.entries(t.recipe)
  .map(([k, val]) => `- ${k.replace(/_/g, ' ')}: ${val}`)
  .join('\n')}
- epochs: ${t.epochs_planned} planned, best epoch ${t.best_epoch}
${
  c.logit_bias
    ? `- logit bias: ${Object.entries(c.logit_bias.added)
        .map(([k, b]) => `${k} +${b}`)
        .join(', ')} ${c.logit_bias.why}; exported with \`${c.logit_bias.reproduce}\`\n`
    : ''
}
${renderLineage(c.lineage ?? lineageOf(m))}
## Training run

- backend: ${t.backend} (${t.device})
- hardware: ${t.cpu ?? 'unknown CPU'}, ${t.workers} gradient thread(s)
- time: ${t.hours} h of training, median ${t.images_per_second} images/s

| epoch | train loss (smoothed) | val loss | val acc | lr |
|---|---|---|---|---|
${curve.join('\n')}

## Use and limits

The model reports a face's **apparent expression**: which of these 7 FER2013 labels the pixels of
the face resemble. An expression is not a person's inner state (a posed smile is not happiness),
and the scores are not a measure of one. (The API's field is still named \`emotion\`: that name is
its contract.)

- Suited to: UX research with the participants' consent, accessibility aids, games, organising
  one's own photos.
- Not suited to, and not to be used for: decisions about people (hiring, education, policing,
  credit, insurance). The EU AI Act prohibits emotion inference in workplaces and schools since
  February 2025.
- FER2013's biases: web images, mostly young adults, posed and unposed expressions mixed, 48x48
  grayscale, 1.5% disgust. Accuracy differs by class (the table above gives each class's recall)
  and is lower on faces unlike those. The API says when not to trust an answer: \`uncertain\` (a low
  top score) and \`quality\` (a face too small, blurry, dark or overexposed).
- No identity, age or gender output, ever; the API stores and logs nothing of an image.

## Known limits

${classBalance(c, m)}
- 48x48 grayscale input: fine detail and colour are lost; the classifier expects a face crop framed like
  FER2013's (the API finds and crops faces before classifying).
- FER2013 labels are noisy (human agreement is about 65%) and its faces are mostly frontal, adult and from web
  image search; expect lower accuracy on profile views, children, occlusions and under-represented groups.
- It reads apparent expressions, not felt emotions: do not use it for decisions about people.
`;
}
