/**
 * npm run measure:align -w tools/blazeface [-- --n 3000 --probe]: where FER2013's faces have
 * their eyes and mouth in the 48x48 frame, as BlazeFace sees them, to set the aligned crop's
 * framing (core/src/faces/align.ts: ALIGN_EYE_CENTRE, ALIGN_EYE_MOUTH, ALIGN_EYE_DISTANCE).
 *
 * Each training image (an evenly spaced sample over all classes of ../shared/fer2013/train) is
 * enlarged from 48 to 48*f px with core's cropResize (bilinear when enlarging) and placed in the
 * middle of a larger canvas (edge pixels repeated or a flat gray), so that the face does not touch
 * the border; the detector runs on it at its default options and the largest face's keypoints are
 * mapped back to 48x48 coordinates. --probe first compares canvases on a small sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASSES } from '@emotion/core/classes';
import { decodeGray } from '@emotion/core/decode';
import { ALIGN_EYE_CENTRE, ALIGN_EYE_DISTANCE, ALIGN_EYE_MOUTH, type FaceDetector } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { cropResize, type GrayImage } from '@emotion/core/pixels';
import * as ort from 'onnxruntime-node';
import { facesIn } from './detect.ts';
import { SHARED_DIR } from './paths.ts';

export interface Canvas {
  /** Enlargement of the 48x48 face. */
  factor: number;
  /** Canvas side in pixels (at least 48 * factor). */
  side: number;
  /** 'edge': pixels outside the face repeat its border; a number: that flat gray. */
  fill: 'edge' | number;
}

/** The face enlarged and centred in the canvas; `offset` is where the face's (0, 0) lands. */
export function placeOnCanvas(face: GrayImage, c: Canvas): { image: GrayImage; offset: number } {
  const inner = Math.round(face.width * c.factor);
  const offset = Math.floor((c.side - inner) / 2);
  let image: GrayImage;
  if (c.fill === 'edge') {
    // cropResize repeats edge pixels outside the image: crop a box larger than the face.
    const px = c.side / c.factor;
    const o = offset / c.factor;
    image = {
      width: c.side,
      height: c.side,
      data: Uint8Array.from(cropResize(face, { x: -o, y: -o, w: px, h: px }, c.side), (v) => Math.round(v)),
    };
  } else {
    const big = cropResize(face, { x: 0, y: 0, w: face.width, h: face.height }, inner);
    const data = new Uint8Array(c.side * c.side).fill(c.fill);
    for (let y = 0; y < inner; y++)
      for (let x = 0; x < inner; x++) data[(y + offset) * c.side + x + offset] = Math.round(big[y * inner + x]);
    image = { width: c.side, height: c.side, data };
  }
  return { image, offset };
}

export interface Landmarks {
  cls: number;
  score: number;
  /** In 48x48 frame coordinates (pixel edges 0..48). */
  re: { x: number; y: number };
  le: { x: number; y: number };
  nose: { x: number; y: number };
  mouth: { x: number; y: number };
  box: { x: number; y: number; w: number; h: number };
}

export async function landmarksOf(detector: FaceDetector, face: GrayImage, c: Canvas, cls: number): Promise<Landmarks | null> {
  const { image, offset } = placeOnCanvas(face, c);
  const faces = await facesIn(detector, image);
  if (!faces.length) return null;
  const f = faces[0];
  const to48 = (p: { x: number; y: number }) => ({ x: (p.x - offset) / c.factor, y: (p.y - offset) / c.factor });
  const k = f.keypoints;
  const b0 = to48(f.box);
  const [re, le, nose, mouth] = [k.right_eye, k.left_eye, k.nose_tip, k.mouth].map(to48);
  return { cls, score: f.score, re, le, nose, mouth, box: { x: b0.x, y: b0.y, w: f.box.w / c.factor, h: f.box.h / c.factor } };
}

/** Every n-th training image over all classes (sorted), n = total / count. */
export function sampleTrain(dir: string, count: number): { file: string; cls: number }[] {
  const all: { file: string; cls: number }[] = [];
  CLASSES.forEach((name, cls) => {
    for (const f of readdirSync(join(dir, name)).sort()) all.push({ file: join(dir, name, f), cls });
  });
  const step = all.length / Math.min(count, all.length);
  return Array.from({ length: Math.min(count, all.length) }, (_, i) => all[Math.floor(i * step)]);
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const p = (s.length - 1) * q;
  const lo = Math.floor(p);
  return s[lo] + (s[Math.min(s.length - 1, lo + 1)] - s[lo]) * (p - lo);
};

export interface Stat {
  median: number;
  p25: number;
  p75: number;
  /** (p75 - p25) / median: relative spread. */
  relIqr: number;
}

export const stat = (xs: number[]): Stat => {
  const median = quantile(xs, 0.5);
  const p25 = quantile(xs, 0.25);
  const p75 = quantile(xs, 0.75);
  return { median, p25, p75, relIqr: (p75 - p25) / Math.abs(median || 1) };
};

export function summarise(ls: Landmarks[]) {
  const ex = ls.map((l) => (l.re.x + l.le.x) / 2);
  const ey = ls.map((l) => (l.re.y + l.le.y) / 2);
  const eyes = ls.map((l) => Math.hypot(l.le.x - l.re.x, l.le.y - l.re.y));
  const eyeMouth = ls.map((l, i) => Math.hypot(l.mouth.x - ex[i], l.mouth.y - ey[i]));
  const roll = ls.map((l) => (Math.atan2(l.le.y - l.re.y, l.le.x - l.re.x) * 180) / Math.PI);
  const ratio = ls.map((_, i) => eyeMouth[i] / eyes[i]);
  const boxW = ls.map((l) => l.box.w);
  return {
    n: ls.length,
    eyeCentreX: stat(ex),
    eyeCentreY: stat(ey),
    eyeDistance: stat(eyes),
    eyeMouth: stat(eyeMouth),
    mouthX: stat(ls.map((l) => l.mouth.x)),
    mouthY: stat(ls.map((l) => l.mouth.y)),
    rollDeg: stat(roll),
    eyeMouthOverEyes: stat(ratio),
    boxW: stat(boxW),
  };
}

const f2 = (x: number) => x.toFixed(2);
const fmt = (s: Stat) => `${f2(s.median)} (${f2(s.p25)}-${f2(s.p75)})`;

async function main() {
  const { values: v } = parseArgs({
    options: {
      n: { type: 'string', default: '3000' },
      probe: { type: 'boolean', default: false },
      factor: { type: 'string', default: '4' },
      side: { type: 'string', default: '384' },
      fill: { type: 'string', default: 'edge' },
      data: { type: 'string', default: join(SHARED_DIR, 'fer2013', 'train') },
    },
  });
  const detector = await openFaceDetector(ort);
  const load = (f: string) => decodeGray(new Uint8Array(readFileSync(f)));
  if (v.probe) {
    const sample = sampleTrain(v.data!, 300);
    const faces = sample.map((s) => ({ ...s, img: load(s.file) }));
    console.log('| canvas (face size in canvas px, canvas side, fill) | detected (of 300) | eye centre x, y | eye distance | eye-mouth |');
    console.log('|---|---|---|---|---|');
    const canvases: Canvas[] = [
      { factor: 4, side: 192, fill: 'edge' },
      { factor: 4, side: 256, fill: 'edge' },
      { factor: 4, side: 384, fill: 'edge' },
      { factor: 4, side: 512, fill: 'edge' },
      { factor: 4, side: 384, fill: 128 },
      { factor: 4, side: 384, fill: 0 },
      { factor: 2, side: 256, fill: 'edge' },
      { factor: 6, side: 512, fill: 'edge' },
    ];
    for (const c of canvases) {
      const ls: Landmarks[] = [];
      for (const f of faces) {
        const l = await landmarksOf(detector, f.img, c, f.cls);
        if (l) ls.push(l);
      }
      const s = summarise(ls);
      console.log(
        `| ${48 * c.factor} px in ${c.side}, ${c.fill} | ${ls.length} | ${f2(s.eyeCentreX.median)}, ${f2(s.eyeCentreY.median)} | ${fmt(s.eyeDistance)} | ${fmt(s.eyeMouth)} |`,
      );
    }
    return;
  }
  const canvas: Canvas = { factor: Number(v.factor), side: Number(v.side), fill: v.fill === 'edge' ? 'edge' : Number(v.fill) };
  const sample = sampleTrain(v.data!, Number(v.n));
  const ls: Landmarks[] = [];
  const t0 = Date.now();
  for (const s of sample) {
    const l = await landmarksOf(detector, load(s.file), canvas, s.cls);
    if (l) ls.push(l);
  }
  const s = summarise(ls);
  console.log(
    `FER2013 train, ${sample.length} images (every ${(28709 / sample.length).toFixed(1)}th), face ${48 * canvas.factor} px in a ${canvas.side} px canvas (${canvas.fill}): ` +
      `${ls.length} detected (${((100 * ls.length) / sample.length).toFixed(1)}%), ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log('\n| in the 48x48 frame | median (p25-p75) | relative IQR |');
  console.log('|---|---|---|');
  for (const [k, st] of Object.entries(s)) if (typeof st === 'object') console.log(`| ${k} | ${fmt(st)} | ${st.relIqr.toFixed(3)} |`);
  console.log('\nBy class: n, eye centre y, eye distance, eye-mouth, eye-mouth / eye distance (medians)');
  CLASSES.forEach((name, cls) => {
    const c = summarise(ls.filter((l) => l.cls === cls));
    console.log(
      `  ${name.padEnd(9)} ${String(c.n).padStart(5)}  ${f2(c.eyeCentreY.median)}  ${f2(c.eyeDistance.median)}  ${f2(c.eyeMouth.median)}  ${f2(c.eyeMouthOverEyes.median)}`,
    );
  });
  console.log(
    `\nalign.ts today: eye centre (${ALIGN_EYE_CENTRE.x}, ${ALIGN_EYE_CENTRE.y}), eye-mouth ${ALIGN_EYE_MOUTH}, eye distance ${ALIGN_EYE_DISTANCE}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
