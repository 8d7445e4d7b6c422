/**
 * npm run measure -w tools/blazeface: how the score threshold (and the two input/suppression
 * choices) change face counts on ../shared/photos. The model runs once per photo; each setting
 * only re-decodes its outputs. Prints a table; the numbers behind DEFAULT_DETECTION_OPTIONS.
 */

import { decodeGray, decodeRgba } from '@emotion/core/decode';
import {
  DEFAULT_DETECTION_OPTIONS,
  type DetectionOptions,
  type DetectorFit,
  type DetectorTransform,
  prepareDetectorInput,
  type RawDetections,
} from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { facesOfOutputs } from './detect.ts';
import { groupPhotos, labelledPhotos, onTightCropFace, tightCrops } from './photos.ts';

interface Outputs {
  name: string;
  kind: 'group' | 'labelled' | 'crop';
  expected: number;
  raw: RawDetections;
  t: DetectorTransform;
}

async function runAll(colour: boolean, fit: DetectorFit = 'letterbox'): Promise<Outputs[]> {
  const det = await openFaceDetector(ort);
  const photos = [
    ...groupPhotos().map((p) => ({ ...p, kind: 'group' as const, expected: p.faces })),
    ...labelledPhotos().map((p) => ({ ...p, kind: 'labelled' as const, expected: 1 })),
    ...tightCrops().map((p) => ({ ...p, kind: 'crop' as const, expected: 1 })),
  ];
  const out: Outputs[] = [];
  for (const p of photos) {
    const input = prepareDetectorInput(colour ? decodeRgba(p.bytes) : decodeGray(p.bytes), fit);
    out.push({ name: p.name, kind: p.kind, expected: p.expected, raw: await det.run(input), t: input.transform });
  }
  return out;
}

function summarize(all: Outputs[], opts: Partial<DetectionOptions>) {
  const s = { groupExact: 0, groupFound: 0, groupExtra: 0, singleExact: 0, cropAny: 0, cropOne: 0, cropOnFace: 0 };
  for (const o of all) {
    const faces = facesOfOutputs(o.raw, o.t, opts);
    if (o.kind === 'group') {
      s.groupExact += +(faces.length === o.expected);
      s.groupFound += Math.min(faces.length, o.expected);
      s.groupExtra += Math.max(0, faces.length - o.expected);
    } else if (o.kind === 'labelled') {
      s.singleExact += +(faces.length === 1);
    } else {
      s.cropAny += +(faces.length > 0);
      s.cropOne += +(faces.length === 1);
      s.cropOnFace += +(faces.length > 0 && onTightCropFace(faces[0].box, o.t));
    }
  }
  return s;
}

function table(title: string, all: Outputs[], rows: [string, Partial<DetectionOptions>][]) {
  const groups = all.filter((o) => o.kind === 'group');
  const nGroupFaces = groups.reduce((a, o) => a + o.expected, 0);
  const nCrops = all.filter((o) => o.kind === 'crop').length;
  const nSingle = all.filter((o) => o.kind === 'labelled').length;
  console.log(`\n${title}`);
  console.log(
    `| setting | group photos exact (of ${groups.length}) | group faces found (of ${nGroupFaces}) | extra boxes on group photos | single-face photos with exactly 1 (of ${nSingle}) | crops with a box (of ${nCrops}) | crops with exactly 1 | crops: largest box on the face |`,
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, opts] of rows) {
    const s = summarize(all, opts);
    console.log(
      `| ${label} | ${s.groupExact} | ${s.groupFound} | ${s.groupExtra} | ${s.singleExact} | ${s.cropAny} | ${s.cropOne} | ${s.cropOnFace} |`,
    );
  }
}

/** Scores of what is and is not a face on the full photos, at a low threshold. */
function scoreSpread(title: string, all: Outputs[]) {
  const real: number[] = [];
  const extra: { name: string; score: number }[] = [];
  for (const o of all.filter((x) => x.kind !== 'crop')) {
    // On these photos every real face outscores every other box (checked by eye on drawn boxes).
    const faces = facesOfOutputs(o.raw, o.t, { scoreThreshold: 0.3 }).sort((a, b) => b.score - a.score);
    real.push(...faces.slice(0, o.expected).map((f) => f.score));
    extra.push(...faces.slice(o.expected).map((f) => ({ name: o.name, score: f.score })));
  }
  const cropExtra: number[] = [];
  const cropMain: number[] = [];
  for (const o of all.filter((x) => x.kind === 'crop')) {
    const faces = facesOfOutputs(o.raw, o.t, { scoreThreshold: 0.3 });
    if (faces[0]) cropMain.push(faces[0].score);
    cropExtra.push(...faces.slice(1).map((f) => f.score));
  }
  const fmt = (v: number[]) =>
    v
      .sort((a, b) => a - b)
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(`\n${title}`);
  console.log(`- real faces on the 12 full photos: ${fmt(real)}`);
  console.log(`- other boxes on the full photos: ${extra.map((e) => `${e.name} ${e.score.toFixed(2)}`).join(', ') || 'none'}`);
  console.log(`- largest box on each tight crop: ${fmt(cropMain)}`);
  console.log(`- further boxes on the tight crops: ${fmt(cropExtra)}`);
  const lowestReal = Math.min(...real, ...cropMain);
  const highestOther = Math.max(...extra.map((e) => e.score), ...cropExtra);
  console.log(
    lowestReal > highestOther
      ? `- so any threshold above ${highestOther.toFixed(3)} and up to ${lowestReal.toFixed(3)} keeps every face and nothing else`
      : `- no threshold separates them: lowest face ${lowestReal.toFixed(3)}, highest other box ${highestOther.toFixed(3)}`,
  );
}

const rgb = await runAll(true);
const base = DEFAULT_DETECTION_OPTIONS;
const thresholds = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75];
scoreSpread('Scores at threshold 0.3 (RGB, letterboxed, default suppression):', rgb);
table(
  'Score threshold (RGB input, letterboxed; weighted NMS IoU 0.3; contained boxes dropped):',
  rgb,
  thresholds.map((t) => [`threshold ${t}${t === base.scoreThreshold ? ' (default)' : ''}`, { scoreThreshold: t }]),
);
table(
  'Without dropping boxes that lie mostly inside a better face (maxContained 1):',
  rgb,
  thresholds.map((t) => [`threshold ${t}`, { scoreThreshold: t, maxContained: 1 }]),
);
const stretched = await runAll(true, 'stretch');
scoreSpread('Scores at threshold 0.3 with the image stretched to the square instead of letterboxed:', stretched);
const few = [0.4, 0.5, 0.6].map((t): [string, Partial<DetectionOptions>] => [`threshold ${t}`, { scoreThreshold: t }]);
table('Stretched instead of letterboxed (RGB):', stretched, few);
const gray = await runAll(false);
table('Grayscale input repeated into R, G and B (the decoded gray image), instead of colour:', gray, few);
