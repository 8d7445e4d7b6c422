/**
 * Converts the BlazeFace tfjs graph model to ONNX, node by node. TensorFlow computes in NHWC, ONNX
 * convolutions in NCHW: the ONNX graph runs in NCHW throughout, weights are transposed once here,
 * and the graph transposes back to NHWC only where layout matters (before the output reshapes).
 * Every attribute the conversion does not handle is an error, never silently ignored.
 */

import {
  DETECTOR_ANCHORS,
  DETECTOR_BOXES,
  DETECTOR_INPUT,
  DETECTOR_SCORES,
  DETECTOR_SIZE,
  DETECTOR_VALUES_PER_ANCHOR,
} from '@emotion/core/faces/model';
import onnxProto from 'onnx-proto';
import type { GraphModelFiles, TfAttr, TfNode, Weight } from './source.ts';

const { onnx } = onnxProto;
type INode = InstanceType<typeof onnx.NodeProto>;
type ITensor = InstanceType<typeof onnx.TensorProto>;
type IAttr = InstanceType<typeof onnx.AttributeProto>;

const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** NHWC shape of a tensor in the TF graph. */
type Shape = number[];

const b64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('latin1'));
const ints = (a: TfAttr | undefined) => (a?.list?.i ?? []).map(Number);

function floatTensor(name: string, dims: number[], data: Float32Array): ITensor {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: bytes });
}

function int64Tensor(name: string, values: number[]): ITensor {
  const data = BigInt64Array.from(values.map(BigInt));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
}

function attrInts(name: string, v: number[]): IAttr {
  return onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
}

function attrInt(name: string, i: number): IAttr {
  return onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
}

/** TF "SAME"/"VALID" padding as explicit ONNX pads [top, left, bottom, right] and the output size. */
export function tfPadding(padding: string, inH: number, inW: number, k: [number, number], s: [number, number]) {
  if (padding === 'VALID') {
    return { pads: [0, 0, 0, 0], outH: Math.floor((inH - k[0]) / s[0]) + 1, outW: Math.floor((inW - k[1]) / s[1]) + 1 };
  }
  if (padding !== 'SAME') throw new Error(`unsupported padding ${padding}`);
  const outH = Math.ceil(inH / s[0]);
  const outW = Math.ceil(inW / s[1]);
  const th = Math.max((outH - 1) * s[0] + k[0] - inH, 0);
  const tw = Math.max((outW - 1) * s[1] + k[1] - inW, 0);
  // TF puts the odd pixel of padding at the end (bottom/right).
  return { pads: [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)], outH, outW };
}

/** [kh, kw, in, out] (TF) -> [out, in, kh, kw] (ONNX). */
function hwioToOihw(w: Weight): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = w.shape;
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
  return { dims: [co, ci, kh, kw], data: out };
}

export interface ConvertOptions {
  /** Key/value pairs for the model's metadata_props. */
  metadata: Record<string, string>;
}

export function convertToOnnx(model: GraphModelFiles, opts: ConvertOptions): Uint8Array {
  const shapes = new Map<string, Shape>();
  const onnxName = new Map<string, string>();
  const nodes: INode[] = [];
  const inits: ITensor[] = [];
  const usedWeights = new Set<string>();

  const weight = (name: string): Weight => {
    const w = model.weights.get(name);
    if (!w) throw new Error(`no weight ${name}`);
    usedWeights.add(name);
    return w;
  };
  const ref = (input: string) => {
    const name = input.split(':')[0];
    const v = onnxName.get(name);
    if (!v) throw new Error(`input ${input} not converted yet`);
    return v;
  };
  const add = (op: string, inputs: string[], output: string, attribute: IAttr[] = []) => {
    nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [output], name: output, attribute }));
  };
  const expect = (n: TfNode, key: string, ok: (a: TfAttr | undefined) => boolean) => {
    if (!ok(n.attr?.[key])) throw new Error(`${n.name} (${n.op}): unsupported ${key} ${JSON.stringify(n.attr?.[key])}`);
  };
  const commonConvChecks = (n: TfNode) => {
    expect(n, 'data_format', (a) => a === undefined || b64(a.s) === 'NHWC');
    expect(n, 'dilations', (a) => a === undefined || ints(a).every((d) => d === 1));
    expect(n, 'explicit_paddings', (a) => a === undefined || ints(a).length === 0);
  };

  // Convolutions in NCHW from here on: the ONNX input is already NCHW RGB.
  const inputNode = model.nodes.find((n) => n.op === 'Placeholder');
  if (!inputNode) throw new Error('no input');
  const inShape = (inputNode.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
  if (inShape.join() !== `1,${DETECTOR_SIZE},${DETECTOR_SIZE},3`) throw new Error(`unexpected input shape ${inShape}`);
  shapes.set(inputNode.name, inShape);
  onnxName.set(inputNode.name, DETECTOR_INPUT);

  const pending = model.nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder');
  const done = new Set<string>([inputNode.name, ...model.nodes.filter((n) => n.op === 'Const').map((n) => n.name)]);
  while (pending.length) {
    const idx = pending.findIndex((n) => (n.input ?? []).every((i) => done.has(i.split(':')[0])));
    if (idx < 0) throw new Error('graph has a cycle or a missing input');
    const n = pending.splice(idx, 1)[0];
    const out = n.name;
    const inputs = n.input ?? [];
    const x = (i = 0) => shapes.get(inputs[i].split(':')[0])!;
    switch (n.op) {
      case '_FusedConv2D': {
        commonConvChecks(n);
        const fused = (n.attr?.fused_ops?.list?.s ?? []).map((s) => b64(s));
        if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused.length === 2 && fused[1] !== 'Relu')) {
          throw new Error(`${n.name}: unsupported fused ops ${fused}`);
        }
        if (Number(n.attr?.num_args?.i ?? 1) !== 1 || inputs.length !== 3) throw new Error(`${n.name}: expected one bias`);
        const w = weight(inputs[1]);
        const bias = weight(inputs[2]);
        const [kh, kw, , co] = w.shape;
        const st = ints(n.attr?.strides);
        const [, h, wd] = x();
        const p = tfPadding(b64(n.attr?.padding?.s)!, h, wd, [kh, kw], [st[1], st[2]]);
        const k = hwioToOihw(w);
        inits.push(floatTensor(`${out}/W`, k.dims, k.data), floatTensor(`${out}/B`, [co], bias.data as Float32Array));
        const convOut = fused.length === 2 ? `${out}/conv` : out;
        add('Conv', [ref(inputs[0]), `${out}/W`, `${out}/B`], convOut, [
          attrInts('kernel_shape', [kh, kw]),
          attrInts('strides', [st[1], st[2]]),
          attrInts('pads', p.pads),
        ]);
        if (fused.length === 2) add('Relu', [convOut], out);
        shapes.set(out, [1, p.outH, p.outW, co]);
        break;
      }
      case 'DepthwiseConv2dNative': {
        commonConvChecks(n);
        const w = weight(inputs[1]);
        const [kh, kw, ci, mult] = w.shape;
        const st = ints(n.attr?.strides);
        const [, h, wd] = x();
        const p = tfPadding(b64(n.attr?.padding?.s)!, h, wd, [kh, kw], [st[1], st[2]]);
        // [kh, kw, in, mult] -> [in * mult, 1, kh, kw]: output channel c * mult + m, as TF orders them.
        const src = w.data as Float32Array;
        const data = new Float32Array(src.length);
        for (let y = 0; y < kh; y++)
          for (let xx = 0; xx < kw; xx++)
            for (let c = 0; c < ci; c++)
              for (let m = 0; m < mult; m++) data[((c * mult + m) * kh + y) * kw + xx] = src[((y * kw + xx) * ci + c) * mult + m];
        inits.push(floatTensor(`${out}/W`, [ci * mult, 1, kh, kw], data));
        add('Conv', [ref(inputs[0]), `${out}/W`], out, [
          attrInts('kernel_shape', [kh, kw]),
          attrInts('strides', [st[1], st[2]]),
          attrInts('pads', p.pads),
          attrInt('group', ci),
        ]);
        shapes.set(out, [1, p.outH, p.outW, ci * mult]);
        break;
      }
      case 'MaxPool': {
        expect(n, 'data_format', (a) => a === undefined || b64(a.s) === 'NHWC');
        const k = ints(n.attr?.ksize);
        const st = ints(n.attr?.strides);
        if (k[0] !== 1 || k[3] !== 1 || st[0] !== 1 || st[3] !== 1) throw new Error(`${n.name}: pooling over batch or channels`);
        const [, h, wd, c] = x();
        const p = tfPadding(b64(n.attr?.padding?.s)!, h, wd, [k[1], k[2]], [st[1], st[2]]);
        add('MaxPool', [ref(inputs[0])], out, [
          attrInts('kernel_shape', [k[1], k[2]]),
          attrInts('strides', [st[1], st[2]]),
          attrInts('pads', p.pads),
        ]);
        shapes.set(out, [1, p.outH, p.outW, c]);
        break;
      }
      case 'AddV2': {
        const [a, b] = [x(0), x(1)];
        if (a.join() !== b.join()) throw new Error(`${n.name}: broadcasting add ${a} + ${b}`);
        add('Add', [ref(inputs[0]), ref(inputs[1])], out);
        shapes.set(out, a);
        break;
      }
      case 'Relu':
        add('Relu', [ref(inputs[0])], out);
        shapes.set(out, x());
        break;
      case 'Pad': {
        const pw = weight(inputs[1]);
        if (pw.shape.join() !== '4,2') throw new Error(`${n.name}: paddings shape ${pw.shape}`);
        const pv = Array.from(pw.data);
        const s = x();
        // NHWC [[n0, n1], [h0, h1], [w0, w1], [c0, c1]] -> ONNX NCHW [n0, c0, h0, w0, n1, c1, h1, w1].
        const nchw = [0, 3, 1, 2];
        const pads = [...nchw.map((d) => pv[d * 2]), ...nchw.map((d) => pv[d * 2 + 1])];
        inits.push(int64Tensor(`${out}/pads`, pads));
        add('Pad', [ref(inputs[0]), `${out}/pads`], out, [
          onnx.AttributeProto.create({
            name: 'mode',
            s: new TextEncoder().encode('constant'),
            type: onnx.AttributeProto.AttributeType.STRING,
          }),
        ]);
        shapes.set(
          out,
          s.map((v, d) => v + pv[d * 2] + pv[d * 2 + 1]),
        );
        break;
      }
      case 'Reshape': {
        // TF reshapes the NHWC tensor: go back to NHWC first so the element order is the same.
        const shape = Array.from(weight(inputs[1]).data);
        inits.push(int64Tensor(`${out}/shape`, shape));
        add('Transpose', [ref(inputs[0])], `${out}/nhwc`, [attrInts('perm', [0, 2, 3, 1])]);
        add('Reshape', [`${out}/nhwc`, `${out}/shape`], out);
        const total = x().reduce((a, b) => a * b, 1);
        const known = shape.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
        shapes.set(
          out,
          shape.map((v) => (v === -1 ? total / known : v)),
        );
        break;
      }
      case 'Identity':
        // An alias: later nodes read the input's ONNX name directly.
        onnxName.set(out, ref(inputs[0]));
        shapes.set(out, x());
        done.add(out);
        continue;
      default:
        throw new Error(`${n.name}: unsupported op ${n.op}`);
    }
    for (const key of Object.keys(n.attr ?? {})) {
      const known = [
        'T',
        'Tpaddings',
        'Tshape',
        '_cloned',
        'data_format',
        'dilations',
        'explicit_paddings',
        'strides',
        'padding',
        'ksize',
        'fused_ops',
        'num_args',
        'epsilon',
        'use_cudnn_on_gpu',
      ];
      if (!known.includes(key)) throw new Error(`${n.name}: unhandled attribute ${key}`);
    }
    onnxName.set(out, out);
    done.add(out);
  }

  for (const [name] of model.weights) {
    if (!usedWeights.has(name)) throw new Error(`weight ${name} was not used`);
  }

  // The four graph outputs, joined as the anchors are ordered: the 16x16 layer (512) then 8x8 (384).
  const outputs = outputTensors(model, shapes);
  add('Concat', [ref(outputs.scores16), ref(outputs.scores8)], DETECTOR_SCORES, [attrInt('axis', 1)]);
  add('Concat', [ref(outputs.boxes16), ref(outputs.boxes8)], DETECTOR_BOXES, [attrInt('axis', 1)]);

  const valueInfo = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: FLOAT,
          shape: onnx.TensorShapeProto.create({ dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })) }),
        }),
      }),
    });

  const graph = onnx.GraphProto.create({
    name: 'BlazeFaceBack',
    node: nodes,
    initializer: inits,
    input: [valueInfo(DETECTOR_INPUT, [1, 3, DETECTOR_SIZE, DETECTOR_SIZE])],
    output: [
      valueInfo(DETECTOR_SCORES, [1, DETECTOR_ANCHORS, 1]),
      valueInfo(DETECTOR_BOXES, [1, DETECTOR_ANCHORS, DETECTOR_VALUES_PER_ANCHOR]),
    ],
  });
  const onnxModel = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    producerName: 'emotion-edge tools/blazeface',
    producerVersion: '0.1.0',
    docString: 'BlazeFace back (MediaPipe 256x256 face detector), converted from the tfjs graph model in @vladmandic/human',
    graph,
    metadataProps: Object.entries(opts.metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  return onnx.ModelProto.encode(onnxModel).finish();
}

/** The graph's outputs by role, found from their shapes rather than from their names. */
export function outputTensors(model: GraphModelFiles, shapes?: Map<string, Shape>) {
  const sig = (
    model.modelJson.userDefinedMetadata as { signature: { outputs: Record<string, { tensorShape: { dim: { size: string }[] } }> } }
  ).signature.outputs;
  const find = (anchors: number, values: number) => {
    const hit = Object.entries(sig).find(([, v]) => v.tensorShape.dim.map((d) => Number(d.size)).join() === `1,${anchors},${values}`);
    if (!hit) throw new Error(`no output of shape [1, ${anchors}, ${values}]`);
    const name = hit[0].split(':')[0];
    if (shapes && shapes.get(name)?.join() !== `1,${anchors},${values}`) throw new Error(`${name}: converted shape ${shapes.get(name)}`);
    return name;
  };
  const big = (DETECTOR_SIZE / 16) ** 2 * 2;
  const small = (DETECTOR_SIZE / 32) ** 2 * 6;
  return {
    scores16: find(big, 1),
    scores8: find(small, 1),
    boxes16: find(big, DETECTOR_VALUES_PER_ANCHOR),
    boxes8: find(small, DETECTOR_VALUES_PER_ANCHOR),
  };
}
