/**
 * BatchNorm (training mode) fused with the ReLU after it, with an analytic gradient. tfjs-core's
 * own BatchNorm gradient tiles per-channel tensors to full size, which dominated a WASM training
 * step; per-channel sums here go through an average pool (fast on every backend).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Batch mean and biased variance per channel, for the running averages. */
export interface BatchStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Values per channel (N * H * W). */
  count: number;
}

/** Sum over N, H, W of an NHWC tensor: [C]. */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  const [, h, w, c] = x.shape;
  const pooled = h * w > 1 ? tf.avgPool(x, [h, w], [h, w], 'valid') : x;
  return tf.mul(tf.sum(tf.reshape(pooled, [-1, c]), 0), h * w) as tf.Tensor1D;
}

export function batchNormRelu(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): { y: tf.Tensor4D; stats: BatchStats } {
  const [n, h, w] = x.shape;
  const count = n * h * w;
  let stats: BatchStats | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, gammaIn, betaIn, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const mean = tf.div(channelSum(xx), count) as tf.Tensor1D;
    const centered = tf.sub(xx, mean) as tf.Tensor4D;
    const variance = tf.div(channelSum(tf.square(centered)), count) as tf.Tensor1D;
    const invStd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    const xhat = tf.mul(centered, invStd) as tf.Tensor4D;
    const y = tf.relu(tf.add(tf.mul(xhat, gammaIn), betaIn)) as tf.Tensor4D;
    stats = { mean: tf.keep(mean), variance: tf.keep(variance), count };
    save([y, xhat, invStd, gammaIn]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [ySaved, xhatSaved, invStdSaved, gammaSaved] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const g = tf.mul(dy as tf.Tensor4D, tf.step(ySaved)) as tf.Tensor4D;
        const dBeta = channelSum(g);
        const dGamma = channelSum(tf.mul(g, xhatSaved) as tf.Tensor4D);
        const k = tf.div(tf.mul(gammaSaved, invStdSaved), count);
        const dx = tf.mul(k, tf.sub(tf.sub(tf.mul(g, count), dBeta), tf.mul(xhatSaved, dGamma)));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, stats: stats! };
}
