/**
 * The worker's runtime, onnxruntime-web (WASM, one thread, no proxy), run here in Node on the same
 * model bytes and the same core functions, finds the same faces as onnxruntime-node.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { faceDetector } from '@emotion/core/faces';
import { DETECTOR_MODEL_FILE, openFaceDetector } from '@emotion/core/faces/node';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web/wasm';
import { facesInBytes } from '../src/detect.ts';
import { groupPhotos, labelledPhotos } from '../src/photos.ts';
import { photosSkip } from './shared-data.ts';

describe('onnxruntime-web', { skip: photosSkip() }, () => {
  it('finds the same faces as onnxruntime-node, scores within 1e-5', async () => {
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.wasm.proxy = false;
    const session = await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(DETECTOR_MODEL_FILE)), {
      executionProviders: ['wasm'],
    });
    const web = faceDetector(session, ortWeb.Tensor);
    const node = await openFaceDetector(ortNode);
    for (const p of [...groupPhotos(), ...labelledPhotos()]) {
      const a = (await facesInBytes(web, p.bytes)).faces;
      const b = (await facesInBytes(node, p.bytes)).faces;
      assert.deepEqual(
        a.map((f) => f.box),
        b.map((f) => f.box),
        p.name,
      );
      a.forEach((f, i) => assert.ok(Math.abs(f.score - b[i].score) < 1e-5, `${p.name}: score ${f.score} vs ${b[i].score}`));
    }
  });
});
