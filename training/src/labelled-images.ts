/**
 * Labelled evaluation images as model inputs, through the same preprocessing the worker uses
 * (@emotion/core: decode -> luma -> area resize -> normalize). Folder layout or fer2013.csv.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES, INPUT_PIXELS, INPUT_SIZE } from '@emotion/core/classes';
import { decodeGray } from '@emotion/core/decode';
import { type GrayImage, toModelInput } from '@emotion/core/pixels';
import { DataError, loadCsv, strided } from './data.ts';

export interface LabelledInputs {
  /** n * 48 * 48 normalized floats */
  inputs: Float32Array;
  labels: Uint8Array;
  n: number;
  source: string;
}

export function loadLabelledInputs(path: string, split: 'val' | 'train' = 'val', limit = 0): LabelledInputs {
  if (/\.csv$/i.test(path)) {
    const ds = loadCsv(path, split, limit, false);
    const inputs = new Float32Array(ds.n * INPUT_PIXELS);
    for (let i = 0; i < ds.n; i++) {
      const img: GrayImage = { width: INPUT_SIZE, height: INPUT_SIZE, data: ds.images.subarray(i * INPUT_PIXELS, (i + 1) * INPUT_PIXELS) };
      inputs.set(toModelInput(img), i * INPUT_PIXELS);
    }
    return { inputs, labels: ds.labels, n: ds.n, source: ds.source };
  }
  // A data root (with test/) or a split folder (with class folders) both work.
  const dir = existsSync(join(path, 'test')) ? join(path, 'test') : path;
  if (!existsSync(dir))
    throw new DataError(
      `Evaluation data not found: ${path} (expected FER2013's folder with test/<class>/, a folder of class folders, or fer2013.csv)`,
    );
  const files: [string, number][] = [];
  CLASSES.forEach((c, label) => {
    const cd = join(dir, c);
    if (!existsSync(cd)) return;
    for (const f of readdirSync(cd).sort()) if (/\.(jpe?g|png)$/i.test(f)) files.push([join(cd, f), label]);
  });
  if (!files.length) throw new DataError(`${dir}: no class folders with images (${CLASSES.join(', ')})`);
  const picked = limit > 0 && limit < files.length ? strided(files, limit) : files;
  const inputs = new Float32Array(picked.length * INPUT_PIXELS);
  const labels = new Uint8Array(picked.length);
  picked.forEach(([file, label], i) => {
    try {
      inputs.set(toModelInput(decodeGray(readFileSync(file))), i * INPUT_PIXELS);
    } catch (err) {
      throw new DataError(`Cannot read image ${file}: ${(err as Error).message}`);
    }
    labels[i] = label;
  });
  return { inputs, labels, n: picked.length, source: dir };
}
