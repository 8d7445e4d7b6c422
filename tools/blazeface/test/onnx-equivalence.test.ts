/** model/blazeface.onnx against the original tfjs graph model, and against a fresh conversion. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { decodeRgba } from '@emotion/core/decode';
import { type BlazeFace, prepareDetectorInput, type RawDetections } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import * as ort from 'onnxruntime-node';
import { buildDetectorOnnx } from '../src/convert.ts';
import { DETECTOR_MODEL_PATH } from '../src/paths.ts';
import { groupPhotos, labelledPhotos, tightCrops } from '../src/photos.ts';
import { loadReference, type ReferenceModel } from '../src/reference.ts';
import { tfPadding } from '../src/to-onnx.ts';
import { photosSkip } from './shared-data.ts';

/** Largest differences seen between two runs of the detector. */
function diff(a: RawDetections, b: RawDetections) {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  let logitRel = 0;
  let prob = 0;
  let box = 0;
  for (let i = 0; i < a.scores.length; i++) {
    logitRel = Math.max(logitRel, Math.abs(a.scores[i] - b.scores[i]) / Math.max(1, Math.abs(b.scores[i])));
    prob = Math.max(prob, Math.abs(sig(a.scores[i]) - sig(b.scores[i])));
  }
  for (let i = 0; i < a.boxes.length; i++) box = Math.max(box, Math.abs(a.boxes[i] - b.boxes[i]));
  return { logitRel, prob, box };
}

/** float32 rounding over 60-odd layers; a layout or padding mistake is off by whole units. */
function assertClose(a: RawDetections, b: RawDetections, what: string) {
  const d = diff(a, b);
  assert.ok(d.prob < 1e-4, `${what}: face probabilities differ by ${d.prob}`);
  assert.ok(d.logitRel < 5e-4, `${what}: logits differ by ${d.logitRel} (relative)`);
  assert.ok(d.box < 0.01, `${what}: boxes/keypoints differ by ${d.box} px`);
  return d;
}

describe('BlazeFace ONNX conversion', () => {
  let onnx: BlazeFace;
  let wasm: ReferenceModel;
  before(async () => {
    onnx = await openFaceDetector(ort);
    wasm = await loadReference('wasm');
  });

  it('the committed model/blazeface.onnx is what the converter writes today', () => {
    const committed = new Uint8Array(readFileSync(DETECTOR_MODEL_PATH));
    assert.ok(Buffer.from(buildDetectorOnnx()).equals(committed), 'run `npm run convert -w tools/blazeface`');
  });

  it('TF SAME padding puts the odd pixel at the end', () => {
    assert.deepEqual(tfPadding('SAME', 256, 256, [5, 5], [2, 2]), { pads: [1, 1, 2, 2], outH: 128, outW: 128 });
    assert.deepEqual(tfPadding('SAME', 64, 64, [3, 3], [1, 1]), { pads: [1, 1, 1, 1], outH: 64, outW: 64 });
    assert.deepEqual(tfPadding('VALID', 64, 64, [1, 1], [1, 1]), { pads: [0, 0, 0, 0], outH: 64, outW: 64 });
  });

  it('matches tfjs on a synthetic input that uses all three channels differently', async () => {
    const x = new Float32Array(3 * 256 * 256);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.013) * Math.cos(i * 0.0007 + (i >> 16));
    const input = { data: x, transform: { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, width: 256, height: 256 } };
    assertClose(await onnx.run(input), await wasm.run(x), 'synthetic');
  });

  const skip = photosSkip();
  it('matches tfjs (WASM backend) on every test photo', { skip }, async (t) => {
    const photos = [...groupPhotos(), ...labelledPhotos(), ...tightCrops()];
    let worst = { logitRel: 0, prob: 0, box: 0 };
    for (const p of photos) {
      const input = prepareDetectorInput(decodeRgba(p.bytes));
      const d = assertClose(await onnx.run(input), await wasm.run(input.data), p.name);
      worst = { logitRel: Math.max(worst.logitRel, d.logitRel), prob: Math.max(worst.prob, d.prob), box: Math.max(worst.box, d.box) };
    }
    t.diagnostic(
      `${photos.length} photos, largest differences: probability ${worst.prob.toExponential(1)}, logit ${worst.logitRel.toExponential(1)} (relative), box ${worst.box.toExponential(1)} px`,
    );
  });

  it('matches tfjs on its pure-JS CPU backend too (one photo: it takes about a second)', { skip }, async () => {
    const input = prepareDetectorInput(decodeRgba(groupPhotos()[0].bytes));
    const cpu = await loadReference('cpu');
    const onCpu = await cpu.run(input.data);
    assertClose(await onnx.run(input), onCpu, 'onnx vs tfjs cpu');
    assertClose(await wasm.run(input.data), onCpu, 'tfjs wasm vs tfjs cpu');
  });
});
