/**
 * Gradients that make training possible and fast on the WASM backend. It has no
 * Conv2DBackpropFilter kernel at all, and its Conv2DBackpropInput, MaxPoolGrad and transposed
 * BatchMatMul are several times slower than a forward conv or plain matmul. Each gradient here is
 * rewritten in terms of fast forward kernels; every rewrite falls back to tfjs-core's own gradient
 * outside the shapes it handles. Verified against the cpu backend in test/fast-grads.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; the umbrella package's Node bundle does.
import '@tensorflow/tfjs';

type Grad = tf.GradConfig;

/** dL/dfilter for a stride-1 'same' 3x3 conv, as one 'valid' forward conv with batch and channels swapped. */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const o = dy.shape[3];
    const ph = (kh - 1) / 2;
    const pw = (kw - 1) / 2;
    const padded = tf.pad(x, [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ]);
    const hp = h + 2 * ph;
    const wp = w + 2 * pw;
    // [N, Hp, Wp, C] -> [C, Hp, Wp, N] as one 3-D transpose (much faster than a 4-D one).
    const xT = tf.reshape(tf.transpose(tf.reshape(padded, [n, hp * wp, c]), [2, 1, 0]), [c, hp, wp, n]) as tf.Tensor4D;
    // [N, H, W, O] -> [H, W, N, O]
    const dyT = tf.reshape(tf.transpose(tf.reshape(dy, [n, h * w, o]), [1, 0, 2]), [h, w, n, o]) as tf.Tensor4D;
    const r = tf.conv2d(xT, dyT, 1, 'valid'); // [C, kh, kw, O]
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

/**
 * The filter flipped in both spatial axes. That reverses the flattened kh*kw tap index, done as a
 * tiny matmul with an anti-diagonal permutation: the backend's Reverse kernel is a slow generic loop.
 */
function flipTaps(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, o] = filter.shape;
  const taps = kh * kw;
  const perm = new Float32Array(taps * taps);
  for (let i = 0; i < taps; i++) perm[i * taps + (taps - 1 - i)] = 1;
  const flipped = tf.matMul(tf.tensor2d(perm, [taps, taps]), tf.reshape(filter, [taps, c * o]) as tf.Tensor2D);
  return tf.reshape(flipped, [kh, kw, c, o]);
}

/** dL/dx for a stride-1 'same' conv with an odd kernel: a forward conv with the flipped, transposed filter. */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.conv2d(dy, tf.transpose(flipTaps(filter), [0, 1, 3, 2]) as tf.Tensor4D, 1, 'same'));
}

function isOne(v: unknown): boolean {
  return v === undefined || v === 1 || (Array.isArray(v) && v.every((e) => e === 1));
}

function fastConv2dGrad(fallback: Grad): Grad {
  return {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.Conv2DAttrs;
      const [kh, kw] = filter.shape;
      const fast = isOne(a.strides) && isOne(a.dilations) && a.pad === 'same' && a.dataFormat !== 'NCHW' && kh % 2 === 1 && kw % 2 === 1;
      if (!fast) return fallback.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor4D;
      return { x: () => conv2dInputGrad(g, filter), filter: () => conv2dFilterGrad(x, g, kh, kw) };
    },
  };
}

/** 2x2/2 max pool gradient as a broadcast mask on a [N*h, 2, w, 2, C] view (after ReLU, ties are zeros that get no gradient). */
function fastMaxPoolGrad(fallback: Grad): Grad {
  return {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.MaxPoolAttrs;
      const [n, h, w, c] = x.shape;
      const two = (v: unknown) => v === 2 || (Array.isArray(v) && v.every((e) => e === 2));
      const fast = two(a.filterSize) && two(a.strides) && a.pad === 'valid' && h % 2 === 0 && w % 2 === 0;
      if (!fast) return fallback.gradFunc(dy, saved, attrs);
      return {
        x: () =>
          tf.tidy(() => {
            const x5 = tf.reshape(x, [n * (h / 2), 2, w / 2, 2, c]);
            const y5 = tf.reshape(y, [n * (h / 2), 1, w / 2, 1, c]);
            const dy5 = tf.reshape(dy as tf.Tensor, [n * (h / 2), 1, w / 2, 1, c]);
            // 1 where x equals its window's max. Equal has no fast broadcast on wasm; Sub does.
            const isMax = tf.sub(1, tf.step(tf.sub(y5, x5)));
            return tf.reshape(tf.mul(isMax, dy5), x.shape);
          }),
      };
    },
  };
}

/** Plain matmul gradients with explicit transposes: the backend's transposed matmul is a slow path. */
function fastMatMulGrad(fallback: Grad): Grad {
  return {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      if (transposeA || transposeB || a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0]) {
        return fallback.gradFunc(dy, saved, attrs);
      }
      const g = dy as tf.Tensor3D;
      return {
        a: () => tf.matMul(g, tf.transpose(b, [0, 2, 1]) as tf.Tensor3D),
        b: () => tf.matMul(tf.transpose(a, [0, 2, 1]) as tf.Tensor3D, g),
      };
    },
  };
}

const REFERENCE: Grad[] = [tf.getGradient(tf.Conv2D), tf.getGradient(tf.MaxPool), tf.getGradient(tf.BatchMatMul)];
const FAST: Grad[] = [fastConv2dGrad(REFERENCE[0]), fastMaxPoolGrad(REFERENCE[1]), fastMatMulGrad(REFERENCE[2])];

/** Switches between the fast gradients and tfjs-core's own (tests compare the two). */
export function useFastGradients(enabled: boolean): void {
  for (const g of enabled ? FAST : REFERENCE) tf.registerGradient(g);
}

let installed = false;

/** Registers the fast gradients (global in tfjs-core) and, on wasm, a buffer-sharing Identity. */
export function installFastGradients(): void {
  if (installed) return;
  installed = true;
  useFastGradients(true);
  if (tf.getKernel(tf.Identity, 'wasm')) {
    // tfjs clones every tensor it saves for backprop; the wasm Identity copies the buffer each
    // time. Tensors are immutable, so sharing it by reference count (as the cpu backend does) is safe.
    tf.unregisterKernel(tf.Identity, 'wasm');
    tf.registerKernel({
      kernelName: tf.Identity,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
  }
}
