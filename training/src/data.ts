/**
 * FER2013 in the two forms users have: the Kaggle image-folder layout (train/<class>/*, test/<class>/*)
 * and the original fer2013.csv (emotion,pixels,Usage). Images are kept as 48x48 luma bytes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES, CSV_LABEL_TO_CLASS, INPUT_PIXELS, INPUT_SIZE, NUM_CLASSES } from '@emotion/core/classes';
import { decodeGray } from '@emotion/core/decode';
import { ImageError } from '@emotion/core/errors';
import { cropResize, type GrayImage } from '@emotion/core/pixels';
import { sharedPath } from '@emotion/core/shared-data';

/** FER2013 where this project's machines keep it: ../shared beside the repository ($SHARED_DIR overrides it). */
export const DEFAULT_DATA = sharedPath('fer2013');

export interface Dataset {
  /** n * 48 * 48 luma bytes. */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  source: string;
}

export type Split = 'train' | 'val';

export class DataError extends Error {}

function makeDataset(n: number, source: string, shared: boolean): Dataset {
  const buf = shared ? new SharedArrayBuffer(n * INPUT_PIXELS) : new ArrayBuffer(n * INPUT_PIXELS);
  const labels = shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n);
  return { images: new Uint8Array(buf), labels: new Uint8Array(labels), n, source };
}

/** Any image decodes through the shared preprocessing; non-48x48 ones are area-resized. */
function imageTo48(bytes: Uint8Array, file: string): Uint8Array {
  let gray: GrayImage;
  try {
    gray = decodeGray(bytes);
  } catch (err) {
    const why = err instanceof ImageError ? err.message : String(err);
    throw new DataError(`Cannot read image ${file}: ${why}`);
  }
  if (gray.width === INPUT_SIZE && gray.height === INPUT_SIZE) return gray.data;
  return Uint8Array.from(cropResize(gray, { x: 0, y: 0, w: gray.width, h: gray.height }), (v) => Math.round(v));
}

const IMAGE_EXT = /\.(jpe?g|png)$/i;

function loadFolder(dir: string, limit: number, shared: boolean): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new DataError(`Data folder not found: ${dir} (expected a folder of class folders: ${CLASSES.join(', ')})`);
  const sub = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const unknown = sub.filter((s) => !(CLASSES as readonly string[]).includes(s));
  if (unknown.length) throw new DataError(`${dir}: unknown class folder(s) ${unknown.join(', ')}; expected ${CLASSES.join(', ')}`);
  const missing = CLASSES.filter((c) => !sub.includes(c));
  if (missing.length === NUM_CLASSES) throw new DataError(`${dir}: no class folders (${CLASSES.join(', ')}) found`);
  const files: [string, number][] = [];
  CLASSES.forEach((c, label) => {
    if (!sub.includes(c)) return;
    for (const f of readdirSync(join(dir, c)).sort()) if (IMAGE_EXT.test(f)) files.push([join(dir, c, f), label]);
  });
  // Interleave classes so a --limit sample still covers all of them.
  const picked = limit > 0 && limit < files.length ? strided(files, limit) : files;
  const ds = makeDataset(picked.length, dir, shared);
  picked.forEach(([file, label], i) => {
    ds.images.set(imageTo48(readFileSync(file), file), i * INPUT_PIXELS);
    ds.labels[i] = label;
  });
  return ds;
}

/** `k` evenly spaced items of `a`. */
export function strided<T>(a: T[], k: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(a[Math.floor((i * a.length) / k)]);
  return out;
}

const CSV_USAGE: Record<Split, string> = { train: 'Training', val: 'PublicTest' };

export function loadCsv(file: string, split: Split, limit: number, shared: boolean): Dataset {
  if (!existsSync(file)) throw new DataError(`CSV file not found: ${file} (expected FER2013's fer2013.csv: emotion,pixels,Usage)`);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const header = lines[0].trim().split(',');
  const col = (name: string) => header.indexOf(name);
  if (col('emotion') < 0 || col('pixels') < 0 || col('Usage') < 0) {
    throw new DataError(`${file} line 1: expected the header emotion,pixels,Usage, got "${lines[0].slice(0, 80)}"`);
  }
  const rows: [number, Uint8Array][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const cells = line.split(',');
    const where = `${file} line ${i + 1}`;
    if (cells.length !== header.length) throw new DataError(`${where}: expected ${header.length} fields, got ${cells.length}`);
    if (cells[col('Usage')] !== CSV_USAGE[split]) continue;
    const emotion = Number(cells[col('emotion')]);
    if (!Number.isInteger(emotion) || emotion < 0 || emotion > 6)
      throw new DataError(`${where}: emotion must be 0-6, got "${cells[col('emotion')]}"`);
    const px = cells[col('pixels')].trim().split(/\s+/).map(Number);
    if (px.length !== INPUT_PIXELS) throw new DataError(`${where}: expected ${INPUT_PIXELS} pixels, got ${px.length}`);
    if (px.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) throw new DataError(`${where}: pixels must be integers 0-255`);
    rows.push([CSV_LABEL_TO_CLASS[emotion], Uint8Array.from(px)]);
  }
  if (rows.length === 0) throw new DataError(`${file}: no ${CSV_USAGE[split]} rows`);
  const picked = limit > 0 && limit < rows.length ? strided(rows, limit) : rows;
  const ds = makeDataset(picked.length, `${file} (${CSV_USAGE[split]})`, shared);
  picked.forEach(([label, px], i) => {
    ds.images.set(px, i * INPUT_PIXELS);
    ds.labels[i] = label;
  });
  return ds;
}

/**
 * Loads a split from a data root (folder with train/ and test/, or a fer2013.csv).
 * `limit` > 0 takes an evenly spaced sample (for quick runs and tests).
 */
export function loadSplit(path: string, split: Split, limit = 0, shared = false): Dataset {
  if (/\.csv$/i.test(path)) return loadCsv(path, split, limit, shared);
  if (!existsSync(path))
    throw new DataError(`Data not found: ${path} (expected FER2013 as Kaggle's folders train/<class>/, test/<class>/, or fer2013.csv)`);
  const name = split === 'train' ? 'train' : existsSync(join(path, 'test')) ? 'test' : 'val';
  const dir = join(path, name);
  if (!existsSync(dir))
    throw new DataError(`${path}: missing the ${split === 'train' ? 'train' : 'test'}/ folder (expected ${dir} with one folder per class)`);
  return loadFolder(dir, limit, shared);
}

export function classCounts(ds: Dataset): number[] {
  const c = new Array(NUM_CLASSES).fill(0);
  for (let i = 0; i < ds.n; i++) c[ds.labels[i]]++;
  return c;
}
