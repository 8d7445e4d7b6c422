/**
 * Evaluates an exported ONNX model on a labelled set with the worker's preprocessing.
 *
 *   npm run evaluate -w training -- --model ../model/scratchcnn.onnx --data ../../shared/fer2013 [--tta]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASSES } from '@emotion/core/classes';
import { DEFAULT_DATA } from './data.ts';
import { loadLabelledInputs } from './labelled-images.ts';
import { averageWithMirror, MODEL_DIR, onnxProbabilities, openModel } from './onnx-runner.ts';
import { evaluatePhotos, formatPhotoEvaluation } from './photo-eval.ts';
import { classificationReport, formatReport } from './report.ts';
import { MODEL_FILES, type Evaluation } from '@emotion/core/artifacts';

export type { Evaluation };

export async function evaluateModel(model: string, data: string, opts: { tta: boolean; limit?: number }): Promise<Evaluation> {
  const t0 = Date.now();
  const set = loadLabelledInputs(data, 'val', opts.limit ?? 0);
  const session = await openModel(model);
  const probs = await onnxProbabilities(session, set.inputs, false);
  // The plain probabilities are reused for TTA rather than computed again.
  const tta = opts.tta ? classificationReport(await averageWithMirror(session, set.inputs, probs), set.labels) : null;
  await session.release();
  return {
    model,
    data: set.source,
    classes: [...CLASSES],
    ...classificationReport(probs, set.labels),
    tta,
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  };
}

async function main(argv: string[]) {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: join(MODEL_DIR, MODEL_FILES.onnx) },
      data: { type: 'string', default: DEFAULT_DATA },
      tta: { type: 'boolean', default: false },
      photos: { type: 'string' },
      limit: { type: 'string', default: '0' },
      out: { type: 'string', default: 'runs/evaluation.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (v.help) {
    process.stdout.write(
      'Evaluate an ONNX model on labelled images (FER2013 folder with test/<class>/, a folder of class folders, or fer2013.csv PublicTest rows).\n\n' +
        '  --model <onnx>   model file (default model/scratchcnn.onnx in the repo)\n  --data <path>    labelled data (default ../shared/fer2013 beside the repo)\n' +
        '  --tta            also report horizontal-flip test-time augmentation (photo mode: use it, as the API does by default)\n  --limit <n>      evaluate an evenly spaced sample of n images\n' +
        '  --photos <dir>   photo mode: detect faces in whole photos, report face counts and top-1 on\n' +
        '                   photos named after an emotion (angry.jpg, disgusted.jpg, fearful.jpg, ...)\n' +
        '  --out <json>     where to write the JSON report (default runs/evaluation.json)\n',
    );
    return;
  }
  mkdirSync(dirname(resolve(v.out!)), { recursive: true });
  if (v.photos) {
    const pe = await evaluatePhotos(resolve(v.model!), v.photos, { tta: v.tta! });
    console.log(formatPhotoEvaluation(pe));
    writeFileSync(v.out!, JSON.stringify(pe, null, 2) + '\n');
    console.log(`Wrote ${v.out}`);
    return;
  }
  const ev = await evaluateModel(resolve(v.model!), v.data!, { tta: v.tta!, limit: Number(v.limit) });
  console.log(formatReport(`${ev.model} on ${ev.data}`, ev));
  if (ev.tta) console.log(formatReport('With horizontal-flip TTA', ev.tta));
  writeFileSync(v.out!, JSON.stringify(ev, null, 2) + '\n');
  console.log(`Wrote ${v.out} (${ev.seconds}s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`evaluate: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
