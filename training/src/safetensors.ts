/**
 * safetensors read/write (https://huggingface.co/docs/safetensors): 8-byte little-endian header
 * length, a JSON header of {name: {dtype, shape, data_offsets}} plus string metadata, then raw
 * little-endian data. Small enough to own rather than depend on.
 */
export type Dtype = 'F32' | 'I64';

export interface Entry {
  dtype: Dtype;
  shape: number[];
  data: Float32Array | BigInt64Array;
}

export function encodeSafetensors(entries: Record<string, Entry>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(entries);
  for (const name of names) {
    const e = entries[name];
    const bytes = e.data.byteLength;
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8); // align data to 8 bytes
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const name of names) {
    const d = entries[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { entries: Record<string, Entry>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error('safetensors: file too short');
  const headLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headLen > bytes.length) throw new Error('safetensors: header length exceeds file size');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLen))) as Record<string, any>;
  const base = 8 + headLen;
  const entries: Record<string, Entry> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets as [number, number];
    // Copy (Node Buffers' slice() is a view) so each tensor owns an aligned buffer.
    const copy = new Uint8Array(bytes.subarray(base + start, base + end));
    const data = info.dtype === 'F32' ? new Float32Array(copy.buffer) : info.dtype === 'I64' ? new BigInt64Array(copy.buffer) : null;
    if (!data) throw new Error(`safetensors: unsupported dtype ${info.dtype} for ${name}`);
    entries[name] = { dtype: info.dtype, shape: info.shape, data };
  }
  return { entries, metadata: header.__metadata__ ?? {} };
}
