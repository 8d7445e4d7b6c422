/**
 * npm run measure:quality -w tools/blazeface: the distributions behind core's QUALITY_THRESHOLDS
 * (core/src/faces/quality.ts). For every face the worker's pipeline finds in ../shared/photos and
 * ../shared/photos-dev (detection, then the aligned 48x48 input) and for every FER2013 PublicTest
 * image (whole 48x48), prints percentiles of size, sharpness (Laplacian variance), brightness and
 * contrast; then the same for the photos' inputs blurred (Gaussian, sigma 1 and 1.5 input px, i.e.
 * sigma * side / 48 source px), darkened (luma x 0.3) and brightened (255 - 0.3 (255 - luma)),
 * and the share of each set each flag marks at the current thresholds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cropResize, decodeGray, openImage } from '@emotion/core';
import { INPUT_SIZE } from '@emotion/core/classes';
import { alignedInput, findFaces, QUALITY_THRESHOLDS, qualityStats, readDetectionImage } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { PHOTOS_DIR, SHARED_DIR } from './paths.ts';

const LIMITS = { maxPixelsStreamed: 50e6, maxPixelsHeld: 50e6, maxSide: 16384, maxDecodeBytes: 1 << 30, maxJpegScans: 100 };

interface Crop {
  name: string;
  /** Luma 0..255, 48x48. */
  pixels: Float32Array;
  side: number;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(jpe?g|png)$/i.test(f)) out.push(p);
  }
  return out;
}

async function photoCrops(dir: string): Promise<Crop[]> {
  const detector = await openFaceDetector(ort);
  const out: Crop[] = [];
  for (const file of files(dir)) {
    const source = openImage(new Uint8Array(readFileSync(file)), LIMITS);
    const img = readDetectionImage(source);
    const { faces } = await findFaces(source, detector, { maxFaces: 20 }, img);
    for (const f of faces) {
      const { input, side } = alignedInput(source, f.keypoints, img);
      out.push({ name: file.slice(dir.length + 1), pixels: Float32Array.from(input, (v) => (v + 1) * 127.5), side });
    }
  }
  return out;
}

function ferCrops(dir: string): Crop[] {
  return files(dir).map((file) => {
    const g = decodeGray(new Uint8Array(readFileSync(file)));
    return { name: file, pixels: cropResize(g, { x: 0, y: 0, w: g.width, h: g.height }), side: g.height };
  });
}

function gaussian(p: Float32Array, sigma: number): Float32Array {
  const s = INPUT_SIZE;
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  const at = (v: number) => Math.min(s - 1, Math.max(0, v));
  const tmp = new Float32Array(p.length);
  const out = new Float32Array(p.length);
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) tmp[y * s + x] = k.reduce((a, w, i) => a + w * p[y * s + at(x + i - r)], 0) / ks;
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) out[y * s + x] = k.reduce((a, w, i) => a + w * tmp[at(y + i - r) * s + x], 0) / ks;
  return out;
}

const DEGRADED: Record<string, (p: Float32Array) => Float32Array> = {
  'blur s=1': (p) => gaussian(p, 1),
  'blur s=1.5': (p) => gaussian(p, 1.5),
  'dark x0.3': (p) => p.map((v) => v * 0.3),
  bright: (p) => p.map((v) => 255 - 0.3 * (255 - v)),
};

const PCTS = [0, 1, 5, 25, 50, 75, 95, 99, 100];
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.round((q / 100) * (sorted.length - 1)))];

function report(set: string, crops: Crop[]): void {
  const stats = crops.map((c) => ({ ...qualityStats(c.pixels, false), size: c.side }));
  console.log(`\n${set} (n=${crops.length})`);
  console.log(`  ${'metric'.padEnd(11)} ${PCTS.map((q) => `p${q}`.padStart(7)).join(' ')}`);
  for (const m of ['size', 'sharpness', 'brightness', 'contrast'] as const) {
    const v = stats.map((s) => s[m]).sort((a, b) => a - b);
    console.log(`  ${m.padEnd(11)} ${PCTS.map((q) => pct(v, q).toFixed(1).padStart(7)).join(' ')}`);
  }
  const t = QUALITY_THRESHOLDS;
  const share = (f: (s: (typeof stats)[number]) => boolean) => `${stats.filter(f).length}/${stats.length}`;
  console.log(
    `  flagged: too_small ${share((s) => s.size < t.minSizePx)}, blurry ${share((s) => s.sharpness < t.minSharpness)}, dark ${share((s) => s.brightness < t.minBrightness)}, overexposed ${share((s) => s.brightness > t.maxBrightness)}`,
  );
  const blurry = stats
    .map((s, i) => [s, crops[i].name] as const)
    .filter(([s]) => s.sharpness < t.minSharpness || s.brightness < t.minBrightness || s.brightness > t.maxBrightness);
  if (blurry.length && blurry.length <= 8)
    console.log(
      `  flagged: ${blurry.map(([s, n]) => `${n} (sharp ${s.sharpness.toFixed(0)}, bright ${s.brightness.toFixed(0)})`).join('; ')}`,
    );
}

console.log('thresholds:', QUALITY_THRESHOLDS);
const local = await photoCrops(PHOTOS_DIR);
const dev = await photoCrops(join(SHARED_DIR, 'photos-dev'));
report('photos: detected faces, aligned input', local);
report('photos-dev: detected faces, aligned input', dev);
const photos = [...local, ...dev];
for (const [name, f] of Object.entries(DEGRADED))
  report(
    `photos, ${name}`,
    photos.map((c) => ({ ...c, pixels: f(c.pixels) })),
  );
const fer = ferCrops(join(SHARED_DIR, 'fer2013', 'test'));
report('FER2013 PublicTest (whole 48x48)', fer);
for (const [name, f] of Object.entries(DEGRADED))
  report(
    `FER2013, ${name}`,
    fer.map((c) => ({ ...c, pixels: f(c.pixels) })),
  );
