/**
 * The original tfjs graph model, run with tfjs-converter on the WASM backend (or the pure-JS CPU
 * backend) in Node: the reference the ONNX conversion is checked against.
 */

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DETECTOR_ANCHORS, DETECTOR_SIZE, DETECTOR_VALUES_PER_ANCHOR } from '@emotion/core/faces/model';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModelFiles } from './source.ts';
import { outputTensors } from './to-onnx.ts';

const require = createRequire(import.meta.url);

export type ReferenceBackend = 'wasm' | 'cpu';

export interface ReferenceModel {
  backend: string;
  /** NCHW input as the ONNX model takes it; returns the outputs in the ONNX model's layout. */
  run(nchw: Float32Array): Promise<{ scores: Float32Array; boxes: Float32Array }>;
}

export async function loadReference(backend: ReferenceBackend = 'wasm'): Promise<ReferenceModel> {
  if (backend === 'wasm') setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  // PROD silences the CPU backend's "install tfjs-node" banner.
  tf.env().set('PROD', true);
  await tf.setBackend(backend);
  await tf.ready();
  const src = loadGraphModelFiles();
  const mj = src.modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: mj.modelTopology,
      weightSpecs: mj.weightsManifest[0].weights,
      weightData: src.bin.buffer.slice(src.bin.byteOffset, src.bin.byteOffset + src.bin.byteLength) as ArrayBuffer,
      format: 'graph-model',
    }),
  );
  const outs = outputTensors(src);
  const order = [outs.scores16, outs.scores8, outs.boxes16, outs.boxes8];
  return {
    backend,
    async run(nchw) {
      // One tfjs engine per process: switch back in case another reference model switched it.
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(nchw, [1, 3, DETECTOR_SIZE, DETECTOR_SIZE]).transpose([0, 2, 3, 1]);
        const [s16, s8, b16, b8] = model.execute(x, order) as tf.Tensor[];
        const scores = tf.concat([s16, s8], 1).dataSync() as Float32Array;
        const boxes = tf.concat([b16, b8], 1).dataSync() as Float32Array;
        if (scores.length !== DETECTOR_ANCHORS || boxes.length !== DETECTOR_ANCHORS * DETECTOR_VALUES_PER_ANCHOR) {
          throw new Error('unexpected reference output size');
        }
        return { scores, boxes };
      });
    },
  };
}
