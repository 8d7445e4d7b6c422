/**
 * TensorFlow.js layouts -> PyTorch state_dict layouts (../shared/MODEL.md): conv [kh, kw, in, out]
 * -> [out, in, kh, kw]; dense [in, out] -> [out, in]; and the first dense layer's input reordered
 * from NHWC flattening ((h*3 + w)*264 + c) to PyTorch's channel-first flattening (c*9 + h*3 + w).
 */

import { NUM_CLASSES } from '@emotion/core/classes';
import { CONV_BLOCKS, FLAT_C, FLAT_HW, HIDDEN, PARAM_SPECS, type Weights } from './model.ts';
import type { Entry } from './safetensors.ts';

export function convToTorch(w: Float32Array, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let kh = 0; kh < 3; kh++)
    for (let kw = 0; kw < 3; kw++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * 3 + kh) * 3 + kw] = w[((kh * 3 + kw) * cin + i) * cout + o];
  return out;
}

/** [in, out] -> [out, in], with the input index mapped through `inIndex` (tfjs index -> torch index). */
export function denseToTorch(w: Float32Array, nIn: number, nOut: number, inIndex: (i: number) => number = (i) => i): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < nIn; i++) {
    const ti = inIndex(i);
    for (let o = 0; o < nOut; o++) out[o * nIn + ti] = w[i * nOut + o];
  }
  return out;
}

/** NHWC flat index of the [3, 3, 264] feature map -> PyTorch's NCHW flat index. */
export function nhwcToNchwFlat(i: number): number {
  const c = i % FLAT_C;
  const hw = Math.floor(i / FLAT_C);
  return c * FLAT_HW * FLAT_HW + hw;
}

/** The PyTorch state_dict (strict-loadable into the reference definition). */
export function toTorchStateDict(w: Weights, numBatchesTracked: number): Record<string, Entry> {
  const sd: Record<string, Entry> = {};
  const f32 = (shape: number[], data: Float32Array): Entry => ({ dtype: 'F32', shape, data });
  for (const b of CONV_BLOCKS) {
    sd[`features.${b.conv}.weight`] = f32([b.cout, b.cin, 3, 3], convToTorch(w[`features.${b.conv}.weight`], b.cin, b.cout));
    sd[`features.${b.conv}.bias`] = f32([b.cout], w[`features.${b.conv}.bias`]);
    for (const k of ['weight', 'bias', 'running_mean', 'running_var'])
      sd[`features.${b.bn}.${k}`] = f32([b.cout], w[`features.${b.bn}.${k}`]);
    sd[`features.${b.bn}.num_batches_tracked`] = { dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(numBatchesTracked)) };
  }
  const flat = FLAT_HW * FLAT_HW * FLAT_C;
  sd['classifier.1.weight'] = f32([HIDDEN, flat], denseToTorch(w['classifier.1.weight'], flat, HIDDEN, nhwcToNchwFlat));
  sd['classifier.1.bias'] = f32([HIDDEN], w['classifier.1.bias']);
  sd['classifier.4.weight'] = f32([NUM_CLASSES, HIDDEN], denseToTorch(w['classifier.4.weight'], HIDDEN, NUM_CLASSES));
  sd['classifier.4.bias'] = f32([NUM_CLASSES], w['classifier.4.bias']);
  return sd;
}

export const TORCH_NAMES = [...PARAM_SPECS.map((s) => s.name), ...CONV_BLOCKS.map((b) => `features.${b.bn}.num_batches_tracked`)];
