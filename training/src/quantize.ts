/**
 * Smaller variants of an exported ONNX model, weight-only so every runtime's plain float kernels
 * still do the arithmetic (onnxruntime-web's WASM build included):
 *   fp16  weights stored as float16, widened by a Cast node at load     (about 1/2 the size)
 *   int8  weights stored as int8 with one scale per output channel,
 *         widened by DequantizeLinear (opset 13, axis 0)                 (about 1/4 the size)
 * Biases stay float32: they are 0.2% of the bytes and carry the folded BatchNorm shifts.
 */
import { setFloat16 } from '@petamoriken/float16';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type ITensor = NonNullable<InstanceType<typeof onnx.GraphProto>['initializer']>[number];
type INode = NonNullable<InstanceType<typeof onnx.GraphProto>['node']>[number];
const { DataType } = onnx.TensorProto;

export type Quantization = 'fp16' | 'int8';

function floats(t: ITensor): Float32Array {
  const raw = t.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function toFp16(name: string, t: ITensor): { inits: ITensor[]; node: INode } {
  const w = floats(t);
  const view = new DataView(new ArrayBuffer(w.length * 2));
  w.forEach((v, i) => setFloat16(view, i * 2, v, true));
  const stored = `${name}_fp16`;
  return {
    inits: [onnx.TensorProto.create({ name: stored, dims: t.dims, dataType: DataType.FLOAT16, rawData: new Uint8Array(view.buffer) })],
    node: onnx.NodeProto.create({
      opType: 'Cast',
      input: [stored],
      output: [name],
      name: `${name}_cast`,
      attribute: [onnx.AttributeProto.create({ name: 'to', i: DataType.FLOAT, type: onnx.AttributeProto.AttributeType.INT })],
    }),
  };
}

/** Symmetric per-output-channel int8 (zero point 0, range +-127, so negation is exact). */
export function quantizeInt8(w: Float32Array, channels: number): { q: Int8Array; scales: Float32Array } {
  const per = w.length / channels;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    let max = 0;
    for (let k = 0; k < per; k++) max = Math.max(max, Math.abs(w[o * per + k]));
    const s = max > 0 ? max / 127 : 1;
    scales[o] = s;
    for (let k = 0; k < per; k++) q[o * per + k] = Math.max(-127, Math.min(127, Math.round(w[o * per + k] / s)));
  }
  return { q, scales };
}

function toInt8(name: string, t: ITensor): { inits: ITensor[]; node: INode } {
  const channels = Number(t.dims![0]);
  const { q, scales } = quantizeInt8(floats(t), channels);
  const [qn, sn, zn] = [`${name}_int8`, `${name}_scale`, `${name}_zero_point`];
  return {
    inits: [
      onnx.TensorProto.create({ name: qn, dims: t.dims, dataType: DataType.INT8, rawData: new Uint8Array(q.buffer) }),
      onnx.TensorProto.create({ name: sn, dims: [channels], dataType: DataType.FLOAT, rawData: new Uint8Array(scales.buffer) }),
      onnx.TensorProto.create({ name: zn, dims: [channels], dataType: DataType.INT8, rawData: new Uint8Array(channels) }),
    ],
    node: onnx.NodeProto.create({
      opType: 'DequantizeLinear',
      input: [qn, sn, zn],
      output: [name],
      name: `${name}_dequantize`,
      attribute: [onnx.AttributeProto.create({ name: 'axis', i: 0, type: onnx.AttributeProto.AttributeType.INT })],
    }),
  };
}

/** Re-encodes a float32 model with its weight matrices (every initializer of rank >= 2) stored smaller. */
export function quantizeOnnx(modelBytes: Uint8Array, mode: Quantization): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph!;
  const inits: ITensor[] = [];
  const widen: INode[] = [];
  for (const t of graph.initializer!) {
    if (t.dataType !== DataType.FLOAT || t.dims!.length < 2) {
      inits.push(t);
      continue;
    }
    const r = (mode === 'fp16' ? toFp16 : toInt8)(t.name!, t);
    inits.push(...r.inits);
    widen.push(r.node);
  }
  graph.initializer = inits;
  graph.node = [...widen, ...graph.node!];
  model.metadataProps = [
    ...model.metadataProps!.filter((p) => p.key !== 'quantization'),
    onnx.StringStringEntryProto.create({
      key: 'quantization',
      value: mode === 'fp16' ? 'weights float16 (Cast to float32)' : 'weights int8, symmetric per output channel (DequantizeLinear)',
    }),
  ];
  return onnx.ModelProto.encode(model).finish();
}
