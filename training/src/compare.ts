/**
 * Models side by side on every figure a candidate is judged by before it ships (issue 27's table):
 * PublicTest plain and with the served flip TTA, macro-F1 and disgust recall, PublicTest relit (dim
 * 30%, gamma 2, both), and on each photo set the Worker's answer (clear and all right, mean
 * p(true)) and the labels that survive the same relighting.
 *
 *   npm run compare -w training -- model/scratchcnn.onnx training/runs/fer2013-std/export/scratchcnn.onnx
 *
 * Each photo set is decoded and its faces found once, for every model.
 */
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MODEL_FILES } from '@emotion/core/artifacts';
import { sharedPath } from '@emotion/core/shared-data';
import { argPath, mustExist, shown } from './cli-paths.ts';
import { DEFAULT_DATA } from './data.ts';
import { evaluateModel } from './evaluate.ts';
import { LIGHTS, photoLightSurvival } from './light-eval.ts';
import { MODEL_DIR, openModel } from './onnx-runner.ts';
import { type DetectedPhoto, detectPhotos, evaluatePhotos, type TopOne } from './photo-eval.ts';

const LIGHT_NAMES = Object.keys(LIGHTS);

export interface PhotoSetFigures {
  dir: string;
  clear: TopOne | null;
  all: TopOne;
  /** Largest faces whose label survives each of LIGHTS, in its order. */
  kept: number[];
  faces: number;
}

export interface ModelFigures {
  model: string;
  n: number;
  accuracy: number;
  tta_accuracy: number;
  /** With flip TTA, as served. */
  macro_f1: number;
  disgust_recall: number;
  /** With flip TTA, under each of LIGHTS, in its order. */
  light: number[];
  photos: PhotoSetFigures[];
}

export interface CompareOptions {
  data: string;
  photoDirs: string[];
  /** Evaluate an evenly spaced sample of this many validation images (0: all). */
  limit?: number;
  onProgress?: (line: string) => void;
}

export async function compareModels(models: string[], opts: CompareOptions): Promise<ModelFigures[]> {
  const sets: { dir: string; detected: DetectedPhoto[] }[] = [];
  for (const dir of opts.photoDirs) {
    opts.onProgress?.(`finding faces in ${shown(dir)} ...`);
    sets.push({ dir, detected: await detectPhotos(dir) });
  }
  const out: ModelFigures[] = [];
  for (const model of models) {
    opts.onProgress?.(`${shown(model)}: validation set, flip TTA, relit ...`);
    const ev = await evaluateModel(model, opts.data, { tta: true, light: true, limit: opts.limit ?? 0 });
    const tta = ev.tta!;
    const lit = new Map((ev.light ?? []).map((l) => [l.light, l.accuracy]));
    const classifier = await openModel(model);
    const photos: PhotoSetFigures[] = [];
    for (const { dir, detected } of sets) {
      opts.onProgress?.(`${shown(model)}: ${shown(dir)} ...`);
      const served = await evaluatePhotos(model, dir, { tta: true, crop: 'aligned' }, detected, classifier);
      const survival = await photoLightSurvival(classifier, detected);
      photos.push({
        dir,
        clear: served.clear,
        all: served.labelled,
        kept: LIGHT_NAMES.map((name) => survival.find((s) => s.light === name)!.kept),
        faces: survival[0]?.faces ?? 0,
      });
    }
    await classifier.release();
    out.push({
      model,
      n: ev.n,
      accuracy: ev.accuracy,
      tta_accuracy: tta.accuracy,
      macro_f1: tta.macro_f1,
      disgust_recall: tta.per_class.find((c) => c.class === 'disgust')!.recall,
      light: LIGHT_NAMES.map((name) => lit.get(name)!),
      photos,
    });
  }
  return out;
}

const f4 = (x: number) => x.toFixed(4);
const f3 = (x: number) => x.toFixed(3);

/** A model's name in the table: its export folder and file (`model/scratchcnn.onnx`). */
function modelName(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}

/** One markdown table, a row per model, in the order given. */
export function formatComparison(rows: ModelFigures[]): string {
  const sets = rows[0]?.photos.map((p) => basename(p.dir)) ?? [];
  const head = [
    'model',
    `validation plain / flip TTA (n ${rows[0]?.n ?? 0})`,
    'macro-F1',
    'disgust recall',
    `${LIGHT_NAMES.join(' / ')}`,
    ...sets.flatMap((s) => [`${s}: clear, all right (mean p(true))`, `${s}: labels kept, ${LIGHT_NAMES.join(' / ')}`]),
  ];
  const table = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`];
  for (const r of rows) {
    const cells = [
      modelName(r.model),
      `${f4(r.accuracy)} / ${f4(r.tta_accuracy)}`,
      f4(r.macro_f1),
      f3(r.disgust_recall),
      r.light.map(f4).join(' / '),
      ...r.photos.flatMap((p) => {
        const top = (t: TopOne) => `${t.correct}/${t.n}`;
        const served = p.clear
          ? `${top(p.clear)}, ${top(p.all)} (${f3(p.clear.mean_p_true)}, ${f3(p.all.mean_p_true)})`
          : `${top(p.all)} (${f3(p.all.mean_p_true)})`;
        return [served, `${p.kept.join(' / ')} of ${p.faces}`];
      }),
    ];
    table.push(`| ${cells.join(' | ')} |`);
  }
  return table.join('\n');
}

async function main(argv: string[]) {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: DEFAULT_DATA },
      photos: { type: 'string', multiple: true },
      limit: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (v.help) {
    process.stdout.write(
      'Usage: npm run compare -w training -- [<model.onnx> ...] [--data <FER2013>] [--photos <dir> ...] [--limit <n>]\n\n' +
        "  models          ONNX files (default: the committed model/scratchcnn.onnx); an export folder's scratchcnn.onnx\n" +
        '  --data          validation data (default ../shared/fer2013: PublicTest)\n' +
        '  --photos <dir>  labelled photo sets, repeatable (default ../shared/photos-dev and ../shared/photos)\n' +
        '  --limit <n>     an evenly spaced sample of n validation images (default all)\n' +
        'Prints one markdown table, a row per model. Paths resolve against the directory you typed the command in.\n',
    );
    return;
  }
  const models = (positionals.length ? positionals : [`${MODEL_DIR}/${MODEL_FILES.onnx}`]).map((m) =>
    mustExist(argPath(m), 'model', "an ONNX file such as model/scratchcnn.onnx or an export folder's scratchcnn.onnx"),
  );
  const photoDirs = (v.photos ?? [sharedPath('photos-dev'), sharedPath('photos')]).map((d) =>
    mustExist(argPath(d), '--photos', 'a folder of labelled photos (labels.json, or files named after an emotion)'),
  );
  const t0 = Date.now();
  const rows = await compareModels(models, {
    data: argPath(v.data!),
    photoDirs,
    limit: Number(v.limit),
    onProgress: (line) => console.error(`  ${line}`),
  });
  console.log(formatComparison(rows));
  console.error(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`compare: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
