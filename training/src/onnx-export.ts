/**
 * Builds the ONNX model from the PyTorch-layout state_dict (so the ONNX graph and the safetensors
 * file share one set of tensors): NCHW input `input` [N, 1, 48, 48] -> `logits` [N, 7], BatchNorm
 * folded into the convolutions, opset 13.
 */

import { CLASSES, INPUT_SIZE, NORMALIZATION, NUM_CLASSES, STANDARDIZATION, TONE } from '@emotion/core/classes';
import onnxProto from 'onnx-proto';
import { quantileIndex } from './augment.ts';
import { BN_EPS, CONV_BLOCKS } from './model.ts';
import type { Entry } from './safetensors.ts';

const { onnx } = onnxProto;
type INode = InstanceType<typeof onnx.NodeProto>;
type ITensor = InstanceType<typeof onnx.TensorProto>;

const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function tensor(name: string, dims: number[], data: Float32Array | BigInt64Array): ITensor {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const dataType = data instanceof Float32Array ? FLOAT : onnx.TensorProto.DataType.INT64;
  return onnx.TensorProto.create({ name, dims, dataType, rawData: bytes });
}

function attrInts(name: string, ints: number[]) {
  return onnx.AttributeProto.create({ name, ints, type: onnx.AttributeProto.AttributeType.INTS });
}

function attrInt(name: string, i: number) {
  return onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
}

function node(opType: string, inputs: string[], outputs: string[], attribute: ReturnType<typeof attrInt>[] = []): INode {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute });
}

/** conv weight/bias with the inference-mode BatchNorm folded in (PyTorch layout [out, in, 3, 3]). */
function foldConv(sd: Record<string, Entry>, conv: number, bn: number, cout: number) {
  const w = sd[`features.${conv}.weight`].data as Float32Array;
  const b = sd[`features.${conv}.bias`].data as Float32Array;
  const gamma = sd[`features.${bn}.weight`].data as Float32Array;
  const beta = sd[`features.${bn}.bias`].data as Float32Array;
  const mean = sd[`features.${bn}.running_mean`].data as Float32Array;
  const variance = sd[`features.${bn}.running_var`].data as Float32Array;
  const per = w.length / cout;
  const fw = new Float32Array(w.length);
  const fb = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
    for (let k = 0; k < per; k++) fw[o * per + k] = w[o * per + k] * s;
    fb[o] = (b[o] - mean[o]) * s + beta[o];
  }
  return { fw, fb };
}

/**
 * Per-image standardization as the graph's first nodes, on the normalized input (the same as
 * standardizeLuma in training's augment.ts before normalizing, since normalizing is affine):
 * (x - mean) / max(std, minStd) * std' + mean', each over one image's 48x48 values.
 */
function standardizeNodes(x: string, nodes: INode[], inits: ITensor[]): string {
  const n = (v: number) => v / 255 / NORMALIZATION.std; // a luma difference in normalized units
  const scalar = (name: string, v: number) => inits.push(tensor(name, [], Float32Array.of(v)));
  scalar('std.min', n(STANDARDIZATION.minStd));
  scalar('std.target', n(STANDARDIZATION.std));
  scalar('mean.target', (STANDARDIZATION.mean / 255 - NORMALIZATION.mean) / NORMALIZATION.std);
  const axes = [attrInts('axes', [1, 2, 3]), attrInt('keepdims', 1)];
  nodes.push(
    node('ReduceMean', [x], ['std.mean'], axes),
    node('Sub', [x, 'std.mean'], ['std.centred']),
    node('Mul', ['std.centred', 'std.centred'], ['std.squared']),
    node('ReduceMean', ['std.squared'], ['std.variance'], axes),
    node('Sqrt', ['std.variance'], ['std.dev']),
    node('Max', ['std.dev', 'std.min'], ['std.floored']),
    node('Div', ['std.centred', 'std.floored'], ['std.unit']),
    node('Mul', ['std.unit', 'std.target'], ['std.scaled']),
    node('Add', ['std.scaled', 'mean.target'], ['standardized']),
  );
  return 'standardized';
}

/**
 * Per-image tone normalization (core's TONE) as the graph's first nodes, the same as toneLuma in
 * training's augment.ts: on luma, the white point and the median picked with TopK (the sorted
 * value at index floor(q * 2304) is the (2304 - index)-th largest), then a per-image power.
 */
function toneNodes(x: string, nodes: INode[], inits: ITensor[]): string {
  const scalar = (name: string, v: number) => inits.push(tensor(name, [], Float32Array.of(v)));
  const ints = (name: string, v: number[]) => inits.push(tensor(name, [v.length], BigInt64Array.from(v.map(BigInt))));
  const n = INPUT_SIZE * INPUT_SIZE;
  const largest = (q: number) => n - quantileIndex(n, q);
  scalar('tone.luma_scale', 255 * NORMALIZATION.std);
  scalar('tone.luma_offset', 255 * NORMALIZATION.mean);
  scalar('tone.one', 1);
  scalar('tone.mid_min', TONE.minMid);
  scalar('tone.mid_max', TONE.maxMid);
  scalar('tone.log_mid_ratio', Math.log(TONE.midRatio));
  scalar('tone.gamma_min', TONE.minGamma);
  scalar('tone.gamma_max', TONE.maxGamma);
  scalar('tone.white_point', TONE.whitePoint);
  scalar('tone.max', 255);
  scalar('tone.norm_scale', 1 / (255 * NORMALIZATION.std));
  scalar('tone.norm_offset', -NORMALIZATION.mean / NORMALIZATION.std);
  ints('tone.flat_shape', [-1, n]);
  ints('tone.image_shape', [-1, 1, INPUT_SIZE, INPUT_SIZE]);
  // The k-th largest value is the least of the top k: TopK unsorted, then its minimum (sorting costs
  // more than the network here).
  const pick = (q: number, name: string) => {
    ints(`${name}.k`, [largest(q)]);
    nodes.push(
      node(
        'TopK',
        ['tone.flat', `${name}.k`],
        [`${name}.top`, `${name}.top_index`],
        [attrInt('axis', 1), attrInt('largest', 1), attrInt('sorted', 0)],
      ),
      node('ReduceMin', [`${name}.top`], [name], [attrInts('axes', [1]), attrInt('keepdims', 1)]),
    );
    return name;
  };
  nodes.push(
    node('Mul', [x, 'tone.luma_scale'], ['tone.luma_scaled']),
    node('Add', ['tone.luma_scaled', 'tone.luma_offset'], ['tone.luma']),
    node('Reshape', ['tone.luma', 'tone.flat_shape'], ['tone.flat']),
  );
  const white = pick(TONE.whiteQuantile, 'tone.white_raw');
  const median = pick(0.5, 'tone.median');
  nodes.push(
    node('Max', [white, 'tone.one'], ['tone.white']),
    node('Div', [median, 'tone.white'], ['tone.mid_raw']),
    node('Clip', ['tone.mid_raw', 'tone.mid_min', 'tone.mid_max'], ['tone.mid']),
    node('Log', ['tone.mid'], ['tone.log_mid']),
    node('Div', ['tone.log_mid_ratio', 'tone.log_mid'], ['tone.gamma_raw']),
    node('Clip', ['tone.gamma_raw', 'tone.gamma_min', 'tone.gamma_max'], ['tone.gamma']),
    node('Div', ['tone.flat', 'tone.white'], ['tone.u']),
    node('Pow', ['tone.u', 'tone.gamma'], ['tone.curved']),
    node('Mul', ['tone.curved', 'tone.white_point'], ['tone.toned']),
    node('Min', ['tone.toned', 'tone.max'], ['tone.clipped']),
    node('Reshape', ['tone.clipped', 'tone.image_shape'], ['tone.image']),
    node('Mul', ['tone.image', 'tone.norm_scale'], ['tone.norm_scaled']),
    node('Add', ['tone.norm_scaled', 'tone.norm_offset'], ['toned']),
  );
  return 'toned';
}

export function buildOnnx(
  sd: Record<string, Entry>,
  metadata: Record<string, string>,
  opts: { standardize?: boolean; tone?: boolean } = {},
): Uint8Array {
  const nodes: INode[] = [];
  const inits: ITensor[] = [];
  let x = opts.tone ? toneNodes('input', nodes, inits) : 'input';
  if (opts.standardize) x = standardizeNodes(x, nodes, inits);
  for (const b of CONV_BLOCKS) {
    const { fw, fb } = foldConv(sd, b.conv, b.bn, b.cout);
    const wn = `features.${b.conv}.weight_folded`;
    const bn = `features.${b.conv}.bias_folded`;
    inits.push(tensor(wn, [b.cout, b.cin, 3, 3], fw), tensor(bn, [b.cout], fb));
    nodes.push(
      node(
        'Conv',
        [x, wn, bn],
        [`conv${b.conv}`],
        [attrInts('kernel_shape', [3, 3]), attrInts('pads', [1, 1, 1, 1]), attrInts('strides', [1, 1])],
      ),
    );
    nodes.push(node('Relu', [`conv${b.conv}`], [`relu${b.conv}`]));
    x = `relu${b.conv}`;
    if (b.pool) {
      nodes.push(node('MaxPool', [x], [`pool${b.conv}`], [attrInts('kernel_shape', [2, 2]), attrInts('strides', [2, 2])]));
      x = `pool${b.conv}`;
    }
  }
  nodes.push(node('Flatten', [x], ['flat'], [attrInt('axis', 1)]));
  for (const name of ['classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias']) {
    const e = sd[name];
    inits.push(tensor(name, e.shape, e.data));
  }
  nodes.push(node('Gemm', ['flat', 'classifier.1.weight', 'classifier.1.bias'], ['fc1'], [attrInt('transB', 1)]));
  nodes.push(node('Relu', ['fc1'], ['fc1_relu']));
  nodes.push(node('Gemm', ['fc1_relu', 'classifier.4.weight', 'classifier.4.bias'], ['logits'], [attrInt('transB', 1)]));

  const valueInfo = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
          }),
        }),
      }),
    });

  const graph = onnx.GraphProto.create({
    name: 'ScratchCNN',
    node: nodes,
    initializer: inits,
    input: [valueInfo('input', ['N', 1, INPUT_SIZE, INPUT_SIZE])],
    output: [valueInfo('logits', ['N', NUM_CLASSES])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    producerName: 'emotion-edge training',
    producerVersion: '0.1.0',
    docString: `ScratchCNN facial-expression classifier; classes: ${CLASSES.join(', ')}`,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
