/**
 * Evaluates an exported ONNX model on a labelled set with the worker's preprocessing.
 *
 *   npm run evaluate -w training -- --model model/scratchcnn.onnx --data ../shared/fer2013 [--tta]   (from the repo root)
 *
 * The two modes write separate reports by default: training/runs/evaluation.json and
 * training/runs/photo-evaluation.json (--out picks another file).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Evaluation, MODEL_FILES } from '@emotion/core/artifacts';
import { CLASSES } from '@emotion/core/classes';
import { ALIGN_ZOOM, type AlignScaleCue, FER2013_FRAMING } from '@emotion/core/faces';
import { abstentionCurve } from './abstention.ts';
import { argPath, mustExist, shown, TRAINING_DIR } from './cli-paths.ts';
import { DEFAULT_DATA } from './data.ts';
import { loadLabelledInputs } from './labelled-images.ts';
import { labelledLightAccuracy } from './light-eval.ts';
import { MODEL_DIR, openModel } from './onnx-runner.ts';
import {
  type CropMode,
  describeSetting,
  detectPhotos,
  evaluatePhotos,
  formatPhotoEvaluation,
  type PhotoEvalOptions,
  type PhotoEvaluation,
  parseViews,
} from './photo-eval.ts';
import { classificationReport, formatReport } from './report.ts';

export type { Evaluation };

/** `light` (with `tta`): also the accuracy of the set relit (light-eval.ts's LIGHTS), as the export records it. */
export async function evaluateModel(
  model: string,
  data: string,
  opts: { tta: boolean; limit?: number; light?: boolean },
): Promise<Evaluation> {
  const t0 = Date.now();
  const set = loadLabelledInputs(data, 'val', opts.limit ?? 0);
  const classifier = await openModel(model);
  // With TTA both reports come from the TTA runs, the plain probabilities not computed again.
  const both = opts.tta ? await classifier.probabilitiesBoth(set.inputs, set.n) : null;
  const probs = both ? both.plain : await classifier.probabilities(set.inputs, set.n, { tta: false });
  const tta = both ? classificationReport(both.tta, set.labels) : null;
  const abstention = both ? abstentionCurve(both.tta, set.labels) : null;
  const light = both && opts.light ? await labelledLightAccuracy(classifier, set, undefined, both.tta) : null;
  await classifier.release();
  return {
    model,
    data: set.source,
    classes: [...CLASSES],
    ...classificationReport(probs, set.labels),
    tta,
    abstention,
    ...(light ? { light } : {}),
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  };
}

/** Every combination of the photo-mode flags (comma lists compare settings on one detection). */
export function photoSettings(
  crop: string,
  zoom: string,
  cropFactor: string | undefined,
  views: string[] | undefined,
  tta: boolean,
  scaleBy = 'eye-mouth',
): PhotoEvalOptions[] {
  const list = (x: string) =>
    x
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  const nums = (x: string, what: string) =>
    list(x).map((t) => {
      const n = Number(t);
      if (!(n > 0)) throw new Error(`--${what}: ${t} is not a positive number`);
      return n;
    });
  const viewSets = views?.length ? views.map(parseViews) : [undefined];
  const out: PhotoEvalOptions[] = [];
  for (const c of list(crop)) {
    if (c !== 'square' && c !== 'aligned') throw new Error(`--crop: ${c} is not square or aligned`);
    const mode = c as CropMode;
    const cues = list(scaleBy).map((cue) => {
      if (cue !== 'eye-mouth' && cue !== 'eyes' && cue !== 'both') throw new Error(`--scale-by: ${cue} is not eye-mouth, eyes or both`);
      return cue as AlignScaleCue;
    });
    const variants =
      mode === 'aligned'
        ? cues.flatMap((cue) =>
            nums(zoom, 'zoom').map((z) => ({ zoom: z, ...(cue !== 'eye-mouth' ? { framing: { ...FER2013_FRAMING, scaleBy: cue } } : {}) })),
          )
        : (cropFactor ? nums(cropFactor, 'crop-factor') : [undefined]).map((f) => ({ cropFactor: f }));
    for (const variant of variants) for (const vs of viewSets) out.push({ tta, crop: mode, ...variant, ...(vs ? { views: vs } : {}) });
  }
  return out;
}

/** A markdown table of several settings on the same photos. */
export function formatPhotoComparison(results: PhotoEvaluation[]): string {
  const rows = [
    '| crop, TTA | top-1 clear | top-1 all | mean p(true) clear / all | ' + CLASSES.join(' | ') + ' | faces right |',
    `|---|---|---|---|${CLASSES.map(() => '---|').join('')}---|`,
  ];
  for (const r of results) {
    const clear = r.clear ? `${r.clear.correct}/${r.clear.n} (${r.clear.accuracy.toFixed(2)})` : '-';
    const recall = CLASSES.map((c) => (r.recall[c] ? `${r.recall[c]!.correct}/${r.recall[c]!.n}` : '-'));
    const faces = r.face_counts ? `${r.face_counts.exact}/${r.face_counts.photos}` : '-';
    rows.push(
      `| ${describeSetting(r)} | ${clear} | ${r.labelled.correct}/${r.labelled.n} (${r.labelled.accuracy.toFixed(2)}) | ${r.clear ? r.clear.mean_p_true.toFixed(3) : '-'} / ${r.labelled.mean_p_true.toFixed(3)} | ${recall.join(' | ')} | ${faces} |`,
    );
  }
  return rows.join('\n');
}

/** Default reports, one per mode, so that one never overwrites the other. */
export const REPORTS = {
  data: join(TRAINING_DIR, 'runs', 'evaluation.json'),
  photos: join(TRAINING_DIR, 'runs', 'photo-evaluation.json'),
} as const;

const COMMITTED_MODEL = join(MODEL_DIR, MODEL_FILES.onnx);

async function main(argv: string[]) {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: COMMITTED_MODEL },
      data: { type: 'string', default: DEFAULT_DATA },
      tta: { type: 'boolean', default: false },
      photos: { type: 'string' },
      crop: { type: 'string', default: 'aligned' },
      zoom: { type: 'string', default: String(ALIGN_ZOOM) },
      'crop-factor': { type: 'string' },
      views: { type: 'string', multiple: true },
      'scale-by': { type: 'string', default: 'eye-mouth' },
      limit: { type: 'string', default: '0' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (v.help) {
    process.stdout.write(
      'Evaluate an ONNX model on labelled images (FER2013 folder with test/<class>/, a folder of class folders, or fer2013.csv PublicTest rows).\n\n' +
        '  --model <onnx>   model file (default model/scratchcnn.onnx in the repo)\n  --data <path>    labelled data (default ../shared/fer2013 beside the repo)\n' +
        '  --tta            also report horizontal-flip test-time augmentation (photo mode: use it, as the API does by default)\n  --limit <n>      evaluate an evenly spaced sample of n images\n' +
        '  --photos <dir>   photo mode: detect faces in whole photos, report face counts and top-1 on\n' +
        '                   photos named after an emotion (angry.jpg, disgusted.jpg, fearful.jpg, ...), or\n' +
        "                   labelled by the folder's labels.json (file, faces, emotion, clear|plausible) when it has one\n" +
        '  --crop <modes>   photo mode: aligned (default, as the worker: FER2013-matched alignment,\n' +
        '                   core/src/faces/align.ts) or square (the earlier square box); a comma list compares them\n' +
        `  --zoom <z,...>   aligned crop: zoom of the FER2013 fit (1: as fitted; default ${ALIGN_ZOOM}, ALIGN_ZOOM); a list compares\n` +
        '  --crop-factor <f,...>  square crop: enlargement of the detector box (default 1.1); a list compares\n' +
        '  --scale-by <cue,...>  aligned crop: scale from eye-mouth (default), eyes, or both (their mean)\n' +
        '  --views <spec>   extra TTA views: "shift2", "scale5", "shift2+scale5" or dx:dy:zoom;... (repeatable to compare)\n' +
        `  --out <json>     where to write the JSON report (default ${REPORTS.data} or, photo mode, ${REPORTS.photos})\n` +
        'Paths resolve against the directory you typed the command in.\n',
    );
    return;
  }
  const model = mustExist(
    argPath(v.model!),
    '--model',
    "an ONNX model file such as model/scratchcnn.onnx or an export folder's scratchcnn.onnx",
  );
  const out = v.out ? argPath(v.out) : v.photos ? REPORTS.photos : REPORTS.data;
  mkdirSync(dirname(out), { recursive: true });
  console.log(`Model: ${shown(model)}${model === COMMITTED_MODEL ? " (the repo's model/, what npm start serves)" : ''}`);
  if (v.photos) {
    const photos = mustExist(
      argPath(v.photos),
      '--photos',
      'a folder of JPEG or PNG photos (named angry.jpg, disgusted.jpg, ... or with a labels.json)',
    );
    const settings = photoSettings(v.crop!, v.zoom!, v['crop-factor'], v.views, v.tta!, v['scale-by']!);
    const detected = await detectPhotos(photos);
    const session = await openModel(model);
    const results: PhotoEvaluation[] = [];
    for (const opts of settings) results.push(await evaluatePhotos(model, photos, opts, detected, session));
    await session.release();
    if (results.length === 1) console.log(formatPhotoEvaluation(results[0]));
    else {
      for (const r of results) console.log(formatPhotoEvaluation(r) + '\n');
      console.log(formatPhotoComparison(results));
    }
    writeFileSync(out, JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
    console.log(`Wrote ${shown(out)}`);
    return;
  }
  const ev = await evaluateModel(model, argPath(v.data!), { tta: v.tta!, limit: Number(v.limit) });
  console.log(formatReport(`${ev.model} on ${ev.data}`, ev));
  if (ev.tta) console.log(formatReport('With horizontal-flip TTA', ev.tta));
  writeFileSync(out, JSON.stringify(ev, null, 2) + '\n');
  console.log(`Wrote ${shown(out)} (${ev.seconds}s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`evaluate: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
