/**
 * Mutations of image bytes: generic ones (bit flips, truncation, splices, ...) and ones that know
 * the JPEG marker and PNG chunk structure, so that mutated files get past the first checks and
 * reach the decoders (dimensions, sampling factors, Huffman tables, scans, EXIF, chunk lengths,
 * IHDR fields, filters, zlib streams, APNG chunks, eXIf, stray bytes and garbage before restart
 * markers), plus hand-made decompression and CPU bombs. PNG mutations mostly keep every CRC right
 * (a wrong one is refused before any pixel: that path is one of several), so they reach the decoder.
 */
import { crc32 } from '@emotion/core/png';
import pako from 'pako';
import { type Bytes, concat, ihdr, PNG_SIGNATURE, pngChunk } from '../images.ts';
import type { Rng } from './rng.ts';
import { exifApp1, type Format, type Seed, withSegment } from './seeds.ts';

export interface Mutated {
  bytes: Bytes;
  /** What was done, for the report of a failing case. */
  ops: string[];
}

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_16 = [0, 1, 2, 7, 8, 9, 255, 256, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 65536, 100_000];
/** Dimensions around the limits (4,000,000 pixels) and the format maxima. */
const DIMS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 255, 2000, 2001, 4000, 20000, 65535];

const copy = (b: Uint8Array): Bytes => new Uint8Array(b);

// ---------- structure ----------

export interface Part {
  /** JPEG: the marker byte (0xda for a scan, whose `end` includes its entropy-coded data); PNG: the chunk type. */
  kind: string;
  start: number;
  end: number;
}

/** JPEG segments from SOI on; stops quietly at the first thing that is not a marker. */
export function jpegParts(b: Uint8Array): Part[] {
  const parts: Part[] = [];
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const m = b[i + 1];
    if (m === 0xd9) {
      parts.push({ kind: 'd9', start: i, end: i + 2 });
      break;
    }
    if (m === 0xff || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      i += m === 0xff ? 1 : 2;
      continue;
    }
    let end = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (m === 0xda) {
      // The entropy-coded data runs to the next marker that is not a stuffed byte or RSTn.
      while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && !(b[end + 1] >= 0xd0 && b[end + 1] <= 0xd7))) end++;
    }
    parts.push({ kind: m.toString(16), start: i, end: Math.min(end, b.length) });
    i = end;
  }
  return parts;
}

export function pngParts(b: Uint8Array): Part[] {
  const parts: Part[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 12 <= b.length; ) {
    const len = dv.getUint32(at);
    const end = at + 12 + len;
    if (end > b.length) break;
    parts.push({ kind: String.fromCharCode(...b.subarray(at + 4, at + 8)), start: at, end });
    at = end;
  }
  return parts;
}

const isSof = (p: Part) => /^c[0-35-79a-bd-f]$/.test(p.kind);

// ---------- generic mutations ----------

type Op = (b: Bytes, r: Rng, others: Seed[]) => Bytes | null;

const generic: Record<string, Op> = {
  flipBits(b, r) {
    if (!b.length) return null;
    const out = copy(b);
    for (let k = r.range(1, 8); k > 0; k--) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  setBytes(b, r) {
    if (!b.length) return null;
    const out = copy(b);
    for (let k = r.range(1, 6); k > 0; k--) out[r.int(out.length)] = r.chance(0.5) ? r.pick(INTERESTING_8) : r.int(256);
    return out;
  },
  setWord(b, r) {
    if (b.length < 4) return null;
    const out = copy(b);
    const dv = new DataView(out.buffer);
    const at = r.int(out.length - 3);
    if (r.chance(0.5)) dv.setUint16(at, r.pick(INTERESTING_16));
    else dv.setUint32(at, r.pick(INTERESTING_32));
    return out;
  },
  truncate(b, r) {
    if (b.length < 2) return null;
    // Mostly inside the headers, where parsers are most fragile.
    const at = r.chance(0.5) ? r.int(Math.min(b.length, 200)) : r.int(b.length);
    return b.slice(0, at);
  },
  deleteRange(b, r) {
    if (b.length < 4) return null;
    const a = r.int(b.length);
    const n = r.range(1, Math.min(64, b.length - a));
    return concat(b.subarray(0, a), b.subarray(a + n));
  },
  duplicateRange(b, r) {
    if (b.length < 4) return null;
    const a = r.int(b.length);
    const n = r.range(1, Math.min(256, b.length - a));
    const at = r.int(b.length);
    return concat(b.subarray(0, at), b.subarray(a, a + n), b.subarray(at));
  },
  insertRandom(b, r) {
    const at = r.int(b.length + 1);
    return concat(b.subarray(0, at), r.bytes(r.range(1, 32)), b.subarray(at));
  },
  splice(b, r, others) {
    const o = r.pick(others).bytes;
    return concat(b.subarray(0, r.int(b.length + 1)), o.subarray(r.int(o.length + 1)));
  },
  appendGarbage(b, r) {
    return concat(b, r.chance(0.5) ? r.bytes(r.range(1, 300)) : new Uint8Array(r.range(1, 5000)).fill(r.pick(INTERESTING_8)));
  },
};

// ---------- JPEG ----------

function setU16(b: Bytes, at: number, v: number): Bytes {
  const out = copy(b);
  if (at + 2 <= out.length) new DataView(out.buffer).setUint16(at, v & 0xffff);
  return out;
}

/** The chunk at `at` with its CRC made right again (most of the time: a wrong CRC is a path too). */
function withCrc(b: Bytes, at: number, r: Rng): Bytes {
  if (r.chance(0.15) || at + 12 > b.length) return b;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = dv.getUint32(at);
  if (len > b.length - at - 12) return b;
  dv.setUint32(at + 8 + len, crc32(b, at + 4, at + 8 + len));
  return b;
}

/** Offsets of the restart markers (FF D0-D7) in a JPEG. */
function restartMarkers(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(0xff); i >= 0 && i + 1 < b.length; i = b.indexOf(0xff, i + 1))
    if (b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7) out.push(i);
  return out;
}

function dim(r: Rng): number {
  return r.chance(0.7) ? r.pick(DIMS) : r.range(1, r.pick([64, 1024, 65535]));
}

const jpegOps: Record<string, Op> = {
  sofDimensions(b, r) {
    const sof = jpegParts(b).find(isSof);
    if (!sof) return null;
    const out = setU16(b, sof.start + 5, dim(r));
    return r.chance(0.8) ? setU16(out, sof.start + 7, dim(r)) : out;
  },
  sofComponents(b, r) {
    const sof = jpegParts(b).find(isSof);
    if (!sof) return null;
    const out = copy(b);
    const n = out[sof.start + 9];
    const which = r.int(3);
    if (which === 0) out[sof.start + 9] = r.pick([0, 1, 2, 3, 4, 5, 255]);
    else if (n > 0) {
      const c = sof.start + 10 + 3 * r.int(n);
      if (c + 2 < out.length) {
        if (which === 1) out[c + 1] = r.chance(0.5) ? r.pick([0x00, 0x01, 0x10, 0x44, 0x41, 0x14, 0xff, 0x0f]) : r.int(256);
        else out[c + r.pick([0, 2])] = r.pick([0, 1, 3, 4, 0x52, 255]);
      }
    }
    return out;
  },
  sofType(b, r) {
    const sof = jpegParts(b).find(isSof);
    if (!sof) return null;
    const out = copy(b);
    out[sof.start + 1] = r.pick([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
    if (r.chance(0.3)) out[sof.start + 4] = r.pick([0, 1, 8, 12, 16, 255]); // precision
    return out;
  },
  segmentLength(b, r) {
    const parts = jpegParts(b);
    if (!parts.length) return null;
    const p = r.pick(parts);
    const len = (b[p.start + 2] << 8) | b[p.start + 3];
    return setU16(b, p.start + 2, r.pick([0, 1, 2, 3, len - 1, len + 1, len + 100, 0xffff]));
  },
  removeSegment(b, r) {
    const parts = jpegParts(b);
    if (!parts.length) return null;
    const p = r.pick(parts);
    return concat(b.subarray(0, p.start), b.subarray(p.end));
  },
  duplicateSegment(b, r) {
    const parts = jpegParts(b);
    if (!parts.length) return null;
    const p = r.pick(parts);
    const at = r.pick(parts).start;
    return concat(b.subarray(0, at), b.subarray(p.start, p.end), b.subarray(at));
  },
  restartInterval(b, r) {
    const parts = jpegParts(b);
    const sos = parts.find((p) => p.kind === 'da');
    if (!sos) return null;
    const v = r.pick([0, 1, 2, 3, 0xffff, r.int(65536)]);
    return concat(b.subarray(0, sos.start), new Uint8Array([0xff, 0xdd, 0, 4, v >> 8, v & 255]), b.subarray(sos.start));
  },
  huffmanTable(b, r) {
    const dht = r.pick(
      jpegParts(b)
        .filter((p) => p.kind === 'c4')
        .concat([{ kind: '', start: -1, end: -1 }]),
    );
    if (dht.start < 0) return null;
    const out = copy(b);
    const at = dht.start + 4 + r.int(17); // class/id and the 16 code-length counts
    if (at < out.length) out[at] = r.chance(0.5) ? r.pick([0, 1, 2, 0x10, 0x11, 0xff, 200]) : r.int(256);
    return out;
  },
  quantTable(b, r) {
    const dqt = jpegParts(b).find((p) => p.kind === 'db');
    if (!dqt) return null;
    const out = copy(b);
    out[dqt.start + 4] = r.pick([0x00, 0x10, 0x03, 0x0f, 0x13, 0xff]);
    return out;
  },
  scanHeader(b, r) {
    const sos = r.pick(
      jpegParts(b)
        .filter((p) => p.kind === 'da')
        .concat([{ kind: '', start: -1, end: -1 }]),
    );
    if (sos.start < 0) return null;
    const out = copy(b);
    const n = out[sos.start + 4];
    const at = r.chance(0.3) ? sos.start + 4 : sos.start + 5 + 2 * n + r.int(3); // count, or Ss/Se/AhAl
    if (at < out.length) out[at] = r.chance(0.5) ? r.pick([0, 1, 4, 63, 64, 0xff, 0x11, 0xe0]) : r.int(256);
    return out;
  },
  entropyGarbage(b, r) {
    const sos = r.pick(
      jpegParts(b)
        .filter((p) => p.kind === 'da')
        .concat([{ kind: '', start: -1, end: -1 }]),
    );
    if (sos.start < 0) return null;
    const hdr = sos.start + 2 + ((b[sos.start + 2] << 8) | b[sos.start + 3]);
    if (hdr >= sos.end) return null;
    const out = copy(b);
    for (let k = r.range(1, 16); k > 0; k--) out[r.range(hdr, sos.end - 1)] = r.int(256);
    return out;
  },
  /** Many copies of a scan: a small file that costs a decoder pass over the frame per scan. */
  repeatScan(b, r) {
    const sos = jpegParts(b)
      .filter((p) => p.kind === 'da')
      .pop();
    if (!sos) return null;
    const scan = b.subarray(sos.start, sos.end);
    const n = r.chance(0.8) ? r.range(2, 30) : r.range(90, 3000);
    const copies = new Uint8Array(scan.length * n);
    for (let k = 0; k < n; k++) copies.set(scan, k * scan.length);
    return concat(b.subarray(0, sos.end), copies, b.subarray(sos.end));
  },
  /** Bytes where a marker is due (libjpeg skips them with a warning): before a header segment or a restart marker. */
  strayBytes(b, r) {
    const parts = jpegParts(b);
    const at = r.chance(0.6) && parts.length ? r.pick(parts).start : r.pick(restartMarkers(b).concat([2]));
    const junk = r.chance(0.5) ? new Uint8Array(r.range(1, 8)).fill(r.pick([0x00, 0x12, 0xa5])) : r.bytes(r.range(1, 2000));
    return concat(b.subarray(0, at), junk, b.subarray(at));
  },
  /** A restart marker renumbered, doubled or removed: libjpeg's resync paths (skip, drop, wait). */
  restartMarker(b, r) {
    const rst = restartMarkers(b);
    if (!rst.length) return null;
    const at = r.pick(rst);
    const which = r.int(3);
    if (which === 0) {
      const out = copy(b);
      out[at + 1] = 0xd0 + r.int(8);
      return out;
    }
    if (which === 1) return concat(b.subarray(0, at), b.subarray(at, at + 2), b.subarray(at));
    return concat(b.subarray(0, at), b.subarray(at + 2));
  },
  exif(b, r) {
    const seg = exifApp1(r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xffff]), r.chance(0.5));
    const s = copy(seg);
    const dv = new DataView(s.buffer);
    const tiff = 10; // after FF E1 len "Exif\0\0"
    const which = r.int(7);
    if (which === 0)
      s.set(
        r.pick([
          [0x49, 0x49],
          [0x4d, 0x4d],
          [0x49, 0x4d],
          [0, 0],
        ]),
        tiff,
      ); // byte order
    if (which === 1) dv.setUint32(tiff + 4, r.pick(INTERESTING_32), s[tiff] === 0x49); // IFD0 offset
    if (which === 2) dv.setUint16(tiff + 8, r.pick(INTERESTING_16), s[tiff] === 0x49); // entry count
    if (which === 3) dv.setUint16(tiff + 12, r.int(20), s[tiff] === 0x49); // entry type
    if (which === 4) dv.setUint16(2, r.pick([0, 2, 8, 16, 17, 0xffff])); // APP1 length
    const app = which === 5 ? s.subarray(0, r.range(4, s.length)) : s; // cut short
    const copies = which === 6 ? r.range(2, 20) : 1; // many APP1 segments
    let out: Bytes = copy(b);
    for (let k = 0; k < copies; k++) out = withSegment(out, app);
    return out;
  },
};

// ---------- PNG ----------

function setU32(b: Bytes, at: number, v: number): Bytes {
  const out = copy(b);
  if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, v >>> 0);
  return out;
}

/** Rebuilds a PNG from chunks, with correct CRCs (so that only the mutation differs). */
function rebuild(b: Uint8Array, parts: Part[], replace: Map<number, Uint8Array[]>): Bytes {
  const out: Uint8Array[] = [PNG_SIGNATURE];
  parts.forEach((p, i) => out.push(...(replace.get(i) ?? [b.subarray(p.start, p.end)])));
  return concat(...out);
}

function idatData(b: Uint8Array, parts: Part[]): Uint8Array {
  return concat(...parts.filter((p) => p.kind === 'IDAT').map((p) => b.subarray(p.start + 8, p.end - 4)));
}

/** Replaces all IDAT chunks by `chunks` at the first IDAT's place. */
function withIdat(b: Uint8Array, parts: Part[], chunks: Uint8Array[]): Bytes | null {
  const first = parts.findIndex((p) => p.kind === 'IDAT');
  if (first < 0) return null;
  const replace = new Map<number, Uint8Array[]>();
  parts.forEach((p, i) => p.kind === 'IDAT' && replace.set(i, i === first ? chunks : []));
  return rebuild(b, parts, replace);
}

const pngOps: Record<string, Op> = {
  ihdrDimensions(b, r) {
    const out = setU32(b, 16, r.chance(0.7) ? r.pick([...DIMS, 0x7fffffff, 0xffffffff, 100_000]) : r.int(5000));
    return withCrc(r.chance(0.7) ? setU32(out, 20, r.chance(0.7) ? r.pick([...DIMS, 0x7fffffff, 100_000]) : r.int(5000)) : out, 8, r);
  },
  ihdrFields(b, r) {
    const out = copy(b);
    const at = 24 + r.int(5); // depth, colour type, compression, filter, interlace
    out[at] = r.chance(0.6) ? r.pick([0, 1, 2, 3, 4, 6, 8, 16, 255]) : r.int(256);
    return withCrc(out, 8, r);
  },
  /** An eXIf chunk (any orientation, sometimes mangled) before the image data, or after it. */
  exif(b, r) {
    const parts = pngParts(b);
    const idat = parts.findIndex((p) => p.kind === 'IDAT');
    if (idat < 0) return null;
    const tiff = exifApp1(r.pick([0, 1, 3, 5, 6, 8, 9, 0xffff]), r.chance(0.5)).subarray(10);
    const data = r.chance(0.7) ? tiff : r.chance(0.5) ? tiff.subarray(0, r.int(tiff.length)) : r.bytes(r.range(0, 40));
    const i = r.chance(0.8) ? idat : parts.length - 1;
    return rebuild(b, parts, new Map([[i, [pngChunk('eXIf', data), b.subarray(parts[i].start, parts[i].end)]]]));
  },
  chunkLength(b, r) {
    const parts = pngParts(b);
    if (!parts.length) return null;
    const p = r.pick(parts);
    const len = p.end - p.start - 12;
    return setU32(b, p.start, r.pick([0, 1, len - 1, len + 1, len + 4096, 0x7fffffff, 0xffffffff]));
  },
  removeChunk(b, r) {
    const parts = pngParts(b);
    if (!parts.length) return null;
    const i = r.int(parts.length);
    return rebuild(b, parts, new Map([[i, []]]));
  },
  duplicateChunk(b, r) {
    const parts = pngParts(b);
    if (!parts.length) return null;
    const p = r.pick(parts);
    const j = r.int(parts.length);
    return rebuild(b, parts, new Map([[j, [b.subarray(parts[j].start, parts[j].end), b.subarray(p.start, p.end)]]]));
  },
  splitIdat(b, r) {
    const parts = pngParts(b);
    const data = idatData(b, parts);
    if (!data.length) return null;
    const size = r.pick([1, 2, 7, 100]);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < data.length && chunks.length < 20000; at += size) chunks.push(pngChunk('IDAT', data.subarray(at, at + size)));
    if (r.chance(0.3)) chunks.splice(r.int(chunks.length), 0, pngChunk('IDAT', new Uint8Array(0)));
    return withIdat(b, parts, chunks);
  },
  /** Changes the unfiltered rows (filter bytes included), then recompresses: the zlib stream stays valid. */
  rawRows(b, r) {
    const parts = pngParts(b);
    let raw: Uint8Array;
    try {
      raw = pako.inflate(idatData(b, parts));
    } catch {
      return null;
    }
    if (!raw.length) return null;
    const out = copy(raw);
    const which = r.int(3);
    if (which === 0) for (let k = r.range(1, 8); k > 0; k--) out[r.int(out.length)] = r.pick([5, 6, 0x80, 0xff, r.int(256)]);
    const data =
      which === 1 ? out.subarray(0, r.int(out.length)) : which === 2 ? concat(out, new Uint8Array(r.range(1, 1 << r.range(0, 20)))) : out;
    return withIdat(b, parts, [pngChunk('IDAT', pako.deflate(data))]);
  },
  zlibGarbage(b, r) {
    const parts = pngParts(b);
    const data = copy(idatData(b, parts));
    if (!data.length) return null;
    for (let k = r.range(1, 8); k > 0; k--) data[r.int(data.length)] = r.int(256);
    return withIdat(b, parts, [pngChunk('IDAT', data)]);
  },
  palette(b, r) {
    const parts = pngParts(b);
    const i = parts.findIndex((p) => p.kind === 'PLTE' || p.kind === 'tRNS');
    const n = r.pick([0, 1, 2, 3, 4, 255, 768, 769, 3000]);
    const chunk = pngChunk(r.chance(0.6) ? 'PLTE' : 'tRNS', r.bytes(n));
    if (i >= 0) return rebuild(b, parts, new Map([[i, [chunk]]]));
    return rebuild(b, parts, new Map([[0, [b.subarray(parts[0]?.start ?? 8, parts[0]?.end ?? 8), chunk]]]));
  },
  apng(b, r) {
    const parts = pngParts(b);
    if (!parts.length) return null;
    const u32 = (...v: number[]) => {
      const o = new Uint8Array(v.length * 4);
      v.forEach((x, k) => new DataView(o.buffer).setUint32(k * 4, x >>> 0));
      return o;
    };
    const fctl = pngChunk('fcTL', concat(u32(0, dim(r), dim(r), r.int(100), r.int(100)), new Uint8Array(10)));
    const actl = pngChunk('acTL', u32(r.range(0, 3), 0));
    const fdat = pngChunk('fdAT', concat(u32(1), pako.deflate(new Uint8Array(r.range(0, 10000)))));
    return rebuild(
      b,
      parts,
      new Map([
        [0, [b.subarray(parts[0].start, parts[0].end), actl, fctl]],
        [parts.length - 1, [fdat, b.subarray(parts[parts.length - 1].start, parts[parts.length - 1].end)]],
      ]),
    );
  },
};

// ---------- bombs and oddities, made from nothing ----------

/**
 * A progressive grayscale side x side JPEG of `scans` AC scans that each hold nothing but end-of-band
 * runs (one 15-bit code per 32767 blocks): jpeg-js still walks every block of the frame per scan.
 */
export function jpegScanBomb(side: number, scans: number): Bytes {
  const head = [0xff, 0xd8, 0xff, 0xdb, 0, 67, 0, ...new Array(64).fill(1)];
  head.push(0xff, 0xc2, 0, 11, 8, side >> 8, side & 255, side >> 8, side & 255, 1, 1, 0x11, 0);
  head.push(0xff, 0xc4, 0, 20, 0x10, 1, ...new Array(15).fill(0), 0xe0); // AC table: one 1-bit code, EOBRUN r=14
  // Codes of 32767 blocks each ('0' then 14 one bits), padded with ones, 0xFF bytes stuffed.
  const bits = '0' + '1'.repeat(14);
  let s = bits.repeat(Math.ceil(Math.ceil(side / 8) ** 2 / 32767));
  s = s.padEnd(Math.ceil(s.length / 8) * 8, '1');
  const data: number[] = [];
  for (let i = 0; i < s.length; i += 8) {
    const byte = parseInt(s.slice(i, i + 8), 2);
    data.push(...(byte === 0xff ? [0xff, 0] : [byte]));
  }
  const scan = [0xff, 0xda, 0, 8, 1, 1, 0, 1, 63, 0, ...data];
  const out = new Uint8Array(head.length + scan.length * scans + 2);
  out.set(head);
  for (let k = 0; k < scans; k++) out.set(scan, head.length + k * scan.length);
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}

const zerosCache = new Map<number, Uint8Array>();
/** zlib of `mb` MiB of zeros (about 1 KB per MiB), made once per size. */
function deflatedZeros(mb: number): Uint8Array {
  let z = zerosCache.get(mb);
  if (!z) zerosCache.set(mb, (z = pako.deflate(new Uint8Array(mb * 1024 * 1024))));
  return z;
}

export const bombs: Record<string, (r: Rng, seeds: Seed[]) => Bytes> = {
  /** A real JPEG whose SOF declares a huge (or limit-straddling) size: a few KB for billions of pixels. */
  jpegDeclaredSize(r, seeds) {
    const jpegs = seeds.filter((s) => s.format === 'jpeg' && !s.heavy);
    const b = r.pick(jpegs).bytes;
    const sof = jpegParts(b).find(isSof);
    if (!sof) return b;
    const [w, h] = r.pick([
      [60000, 60000],
      [20000, 20000],
      [65535, 65535],
      [2001, 2000],
      [4000, 1001],
      [65535, 61],
      [1, 65535],
    ]);
    return setU16(setU16(b, sof.start + 5, h), sof.start + 7, w);
  },
  pngDeclaredSize(r) {
    const [w, h] = r.pick([
      [20000, 20000],
      [0x7fffffff, 1],
      [65536, 65536],
      [2001, 2000],
      [100_000, 41],
      [1, 4_000_001],
    ]);
    return concat(
      PNG_SIGNATURE,
      ihdr(w, h, r.pick([8, 16]), r.pick([0, 2, 6])),
      pngChunk('IDAT', pako.deflate(new Uint8Array(r.range(0, 64)))),
      pngChunk('IEND', new Uint8Array(0)),
    );
  },
  /** A small image whose zlib stream inflates far past what IHDR declares. */
  pngInflateBomb(r) {
    const mb = r.pick([1, 4, 16]);
    return concat(
      PNG_SIGNATURE,
      ihdr(r.range(1, 64), r.range(1, 64), 8, 0),
      pngChunk('IDAT', deflatedZeros(mb)),
      pngChunk('IEND', new Uint8Array(0)),
    );
  },
  /** A progressive JPEG of thousands of scans, each one "EOB run" long: seconds of CPU for a few KB. */
  jpegScanBomb(r) {
    const n = r.pick([2, 50, 100, 101, 1000, 20000, 50000]);
    // Refused ones (over 100 scans) at the pixel limit; decoded ones small, to keep a run fast.
    return jpegScanBomb(n > 100 ? 2000 : r.pick([64, 256]), n);
  },
  /** Bytes of other formats and none. */
  otherFormat(r) {
    const enc = new TextEncoder();
    return r.pick([
      new Uint8Array(0),
      new Uint8Array([0xff]),
      new Uint8Array([0xff, 0xd8]),
      new Uint8Array([0xff, 0xd8, 0xff]),
      PNG_SIGNATURE,
      PNG_SIGNATURE.subarray(0, 7),
      enc.encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;'),
      enc.encode('RIFF\x10\x00\x00\x00WEBPVP8 '),
      enc.encode('BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00'),
      enc.encode('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00'),
      enc.encode('II*\x00\x08\x00\x00\x00\x00\x00\x00\x00'),
      enc.encode('%PDF-1.4\n%\xe2\xe3'),
      enc.encode('{"image": "not really"}'),
      r.bytes(r.range(1, 2000)),
    ]);
  },
};

// ---------- driver ----------

const OPS: Record<Format, [string, Op][]> = {
  jpeg: [...Object.entries(generic), ...Object.entries(jpegOps), ...Object.entries(jpegOps)],
  png: [...Object.entries(generic), ...Object.entries(pngOps), ...Object.entries(pngOps)],
};

/** One to three mutations of a seed (format-aware ones twice as likely as generic ones). */
export function mutate(seed: Seed, r: Rng, seeds: Seed[]): Mutated {
  let bytes: Bytes = copy(seed.bytes);
  const ops: string[] = [];
  for (
    let k = r.weighted([
      [6, 1],
      [3, 2],
      [1, 3],
    ] as const);
    k > 0;
    k--
  ) {
    const format = bytes[0] === 0x89 ? 'png' : bytes[0] === 0xff ? 'jpeg' : seed.format;
    const [name, op] = r.pick(OPS[format]);
    const next = op(bytes, r, seeds);
    if (next) {
      bytes = next;
      ops.push(name);
    }
  }
  return { bytes, ops };
}
