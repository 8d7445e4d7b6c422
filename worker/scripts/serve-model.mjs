// `npm start -- --model <folder>`: serve an exported model (training's export/ folder) instead of the
// committed model/, without touching model/. The Worker imports its model as bytes at build time
// (src/engine.ts, src/model-info.ts: `../../model/...`), so a copy of worker/src is staged under
// .wrangler/serve-model/ (git-ignored) beside a model/ folder holding the export's classifier and
// card and the committed face detector; wrangler dev then runs that copy as its entry point, with
// the same wrangler.toml (assets, vars, .dev.vars).
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The files an export must hold to be served. */
export const SERVED_FILES = ['scratchcnn.onnx', 'model-card.json'];

/** Stages worker/src with `modelDir`'s model; returns the entry point, relative to `root`. */
export function stageModel(root, modelDir) {
  for (const f of SERVED_FILES) {
    const p = join(modelDir, f);
    if (!existsSync(p))
      throw new Error(`--model: not found: ${p} (expected a folder that npm run export -w training wrote: ${SERVED_FILES.join(', ')})`);
  }
  const stage = join(root, '.wrangler', 'serve-model');
  rmSync(stage, { recursive: true, force: true });
  cpSync(join(root, 'worker', 'src'), join(stage, 'worker', 'src'), { recursive: true });
  mkdirSync(join(stage, 'model'), { recursive: true });
  for (const f of SERVED_FILES) copyFileSync(join(modelDir, f), join(stage, 'model', f));
  copyFileSync(join(root, 'model', 'blazeface.onnx'), join(stage, 'model', 'blazeface.onnx'));
  return relative(root, join(stage, 'worker', 'src', 'index.ts'));
}
