import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend.ts';
import { countParams, forwardEval, initWeights, PARAM_SPECS } from '../src/model.ts';

describe('ScratchCNN definition', () => {
  it('has the documented parameter counts', () => {
    assert.equal(countParams(), 1_054_719, 'trainable parameters, PyTorch count');
    assert.equal(countParams(false), 1_055_887, 'with BatchNorm running statistics, as tfjs countParams() reports');
  });

  it('maps [N, 48, 48, 1] to [N, 7] logits through the documented feature shapes', async () => {
    await selectBackend('wasm');
    const w = initWeights(1);
    const logits = tf.tidy(() => forwardEval(w, tf.zeros([3, 48, 48, 1])));
    assert.deepEqual(logits.shape, [3, 7]);
    logits.dispose();
    const convs = PARAM_SPECS.filter((s) => /^features\.\d+\.weight$/.test(s.name) && s.shape.length === 4);
    assert.deepEqual(
      convs.map((s) => s.shape[3]),
      [32, 32, 64, 64, 128, 264],
    );
    assert.deepEqual(PARAM_SPECS.find((s) => s.name === 'classifier.1.weight')!.shape, [2376, 256]);
  });
});
