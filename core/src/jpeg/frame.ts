/**
 * JPEG markers up to the first scan (T.81 Annex B): the frame, quantization and Huffman tables,
 * restart interval and colour transform, with every unsupported kind of JPEG named.
 */
import { ImageError } from '../errors.ts';
import { type HuffmanTable, readHuffmanTables } from './huffman.ts';

export interface Component {
  id: number;
  /** Sampling factors. */
  h: number;
  v: number;
  /** Quantization table id. */
  tq: number;
  /** Blocks per line and column of the MCU grid (padded to whole MCUs). */
  padW: number;
  padH: number;
  /** Blocks that hold image samples (a non-interleaved scan codes only these). */
  blocksW: number;
  blocksH: number;
}

export interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  components: Component[];
  hmax: number;
  vmax: number;
  mcusW: number;
  mcusH: number;
}

/** The parts of a scan header (SOS) the entropy decoder needs. */
export interface ScanHeader {
  /** Indexes into frame.components. */
  comps: number[];
  dcTables: (HuffmanTable | undefined)[];
  acTables: (HuffmanTable | undefined)[];
  ss: number;
  se: number;
  ah: number;
  al: number;
  /** Offset of the entropy-coded data. */
  start: number;
}

/** Zigzag position -> natural (row-major) position. */
export const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57,
  50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

const corrupt = (why: string) => new ImageError('corrupt_image', `The JPEG data is corrupt or truncated (${why}).`);
const unsupported = (what: string) =>
  new ImageError('unsupported_media_type', `${what} JPEGs are not supported; send a baseline or progressive 8-bit JPEG (or a PNG).`);

const SOF_KINDS: Record<number, string> = {
  0xc3: 'Lossless',
  0xc5: 'Hierarchical (differential sequential)',
  0xc6: 'Hierarchical (differential progressive)',
  0xc7: 'Hierarchical (differential lossless)',
  0xc9: 'Arithmetic-coded',
  0xca: 'Arithmetic-coded progressive',
  0xcb: 'Arithmetic-coded lossless',
  0xcd: 'Arithmetic-coded hierarchical',
  0xce: 'Arithmetic-coded hierarchical progressive',
  0xcf: 'Arithmetic-coded hierarchical lossless',
};

/** The decoding state that markers set: tables may be (re)defined between scans. */
export class MarkerState {
  frame: Frame | null = null;
  readonly quant: (Uint16Array | undefined)[] = [];
  readonly dc: (HuffmanTable | undefined)[] = [];
  readonly ac: (HuffmanTable | undefined)[] = [];
  restartInterval = 0;
  /** Adobe APP14 transform flag (-1 when absent) and whether a JFIF APP0 is present. */
  adobeTransform = -1;
  jfif = false;
  /** Bytes skipped where a marker was due (libjpeg: "extraneous bytes before marker"), and whether EOI was reached. */
  strayBytes = 0;
  sawEoi = false;

  constructor(private readonly data: Uint8Array) {}

  /** Whether 3 components are RGB rather than YCbCr, by libjpeg's rules. */
  storesRgb(): boolean {
    const f = this.frame!;
    if (f.components.length !== 3 || this.jfif) return false;
    if (this.adobeTransform >= 0) return this.adobeTransform === 0;
    const ids = f.components.map((c) => c.id);
    return ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42;
  }

  /**
   * Reads markers from `p` until a scan header (returned, with the offset of its data) or the end
   * of the image (null). Bytes that are not a marker where one is due (FF 00 too) are skipped and
   * counted, as libjpeg's next_marker does.
   */
  nextScan(p: number): { scan: ScanHeader; next: number } | null {
    const d = this.data;
    for (;;) {
      const from = p;
      while (p < d.length && d[p] !== 0xff) p++;
      this.strayBytes += p - from;
      while (p < d.length && d[p] === 0xff) p++;
      if (p >= d.length) return null;
      const m = d[p++];
      if (m === 0xd9) {
        this.sawEoi = true;
        return null;
      }
      if (m === 0x00) this.strayBytes += 2;
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7) || m === 0x00) continue;
      if (p + 2 > d.length) return null;
      const len = (d[p] << 8) | d[p + 1];
      if (len < 2) throw corrupt('a marker segment is too short');
      const s = p + 2;
      const e = Math.min(d.length, p + len);
      p += len;
      if (m === 0xda) {
        const scan = this.readScan(s, e);
        return { scan, next: p };
      }
      this.segment(m, s, e);
    }
  }

  private segment(m: number, s: number, e: number): void {
    const d = this.data;
    if (m === 0xc0 || m === 0xc1 || m === 0xc2) this.readFrame(m, s, e);
    else if (SOF_KINDS[m]) throw unsupported(SOF_KINDS[m]);
    else if (m === 0xc4) {
      const ok = readHuffmanTables(d, s, e, (tc, th, t) => {
        (tc === 0 ? this.dc : this.ac)[th] = t;
      });
      if (!ok) throw corrupt('a bad Huffman table');
    } else if (m === 0xdb) this.readQuant(s, e);
    else if (m === 0xdd) {
      if (e - s >= 2) this.restartInterval = (d[s] << 8) | d[s + 1];
    } else if (m === 0xe0) {
      if (e - s >= 5 && d[s] === 0x4a && d[s + 1] === 0x46 && d[s + 2] === 0x49 && d[s + 3] === 0x46 && d[s + 4] === 0) this.jfif = true;
    } else if (m === 0xee) {
      if (e - s >= 12 && d[s] === 0x41 && d[s + 1] === 0x64 && d[s + 2] === 0x6f && d[s + 3] === 0x62 && d[s + 4] === 0x65) {
        this.adobeTransform = d[s + 11];
      }
    } else if (m === 0xdc) throw unsupported('DNL-marker (height after the scan)');
  }

  private readQuant(s: number, e: number): void {
    const d = this.data;
    let p = s;
    while (p < e) {
      const pq = d[p] >> 4;
      const tq = d[p] & 15;
      p++;
      const n = pq ? 128 : 64;
      if (tq > 3 || pq > 1 || p + n > e) throw corrupt('a bad quantization table');
      const t = new Uint16Array(64);
      for (let i = 0; i < 64; i++) t[ZIGZAG[i]] = pq ? (d[p + 2 * i] << 8) | d[p + 2 * i + 1] : d[p + i];
      this.quant[tq] = t;
      p += n;
    }
  }

  private readFrame(m: number, s: number, e: number): void {
    const d = this.data;
    if (this.frame) throw corrupt('more than one frame header');
    if (e - s < 6) throw corrupt('a short frame header');
    const precision = d[s];
    if (precision !== 8) throw unsupported(`${precision}-bit`);
    const height = (d[s + 1] << 8) | d[s + 2];
    const width = (d[s + 3] << 8) | d[s + 4];
    const n = d[s + 5];
    if (width === 0 || height === 0) throw corrupt('zero width or height');
    if (e - s < 6 + 3 * n) throw corrupt('a short frame header');
    if (n === 4) throw unsupported('CMYK (4-component)');
    if (n !== 1 && n !== 3) throw unsupported(`${n}-component`);
    const comps: Component[] = [];
    for (let i = 0; i < n; i++) {
      const o = s + 6 + 3 * i;
      const h = d[o + 1] >> 4;
      const v = d[o + 1] & 15;
      if (h < 1 || h > 4 || v < 1 || v > 4) throw corrupt('invalid sampling factors');
      comps.push({ id: d[o], h, v, tq: d[o + 2] & 3, padW: 0, padH: 0, blocksW: 0, blocksH: 0 });
    }
    // A gray image's one component is its own MCU whatever sampling it declares.
    if (n === 1) comps[0].h = comps[0].v = 1;
    const hmax = Math.max(...comps.map((c) => c.h));
    const vmax = Math.max(...comps.map((c) => c.v));
    for (const c of comps) {
      if (hmax % c.h || vmax % c.v) throw unsupported(`Fractional chroma sampling (${comps.map((k) => `${k.h}x${k.v}`).join(', ')})`);
    }
    const mcusW = Math.ceil(width / (8 * hmax));
    const mcusH = Math.ceil(height / (8 * vmax));
    for (const c of comps) {
      c.padW = mcusW * c.h;
      c.padH = mcusH * c.v;
      c.blocksW = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
      c.blocksH = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
    }
    this.frame = { width, height, progressive: m === 0xc2, components: comps, hmax, vmax, mcusW, mcusH };
  }

  private readScan(s: number, e: number): ScanHeader {
    const d = this.data;
    const f = this.frame;
    if (!f) throw corrupt('a scan before the frame header');
    const n = d[s];
    if (n < 1 || n > 4 || e - s < 4 + 2 * n) throw corrupt('a bad scan header');
    const comps: number[] = [];
    const dcTables: (HuffmanTable | undefined)[] = [];
    const acTables: (HuffmanTable | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const id = d[s + 1 + 2 * i];
      const ci = f.components.findIndex((c) => c.id === id);
      if (ci < 0 || comps.includes(ci)) throw corrupt('a scan names an unknown component');
      comps.push(ci);
      dcTables.push(this.dc[d[s + 2 + 2 * i] >> 4]);
      acTables.push(this.ac[d[s + 2 + 2 * i] & 15]);
    }
    const o = s + 1 + 2 * n;
    const ss = d[o];
    const se = d[o + 1];
    const ah = d[o + 2] >> 4;
    const al = d[o + 2] & 15;
    if (f.progressive) {
      if (ss > se || se > 63 || (ss === 0 && se !== 0) || (ss > 0 && n !== 1) || al > 13) throw corrupt('bad progression parameters');
    }
    for (const ci of comps) if (!this.quant[f.components[ci].tq]) throw corrupt('a missing quantization table');
    return {
      comps,
      dcTables,
      acTables,
      ss: f.progressive ? ss : 0,
      se: f.progressive ? se : 63,
      ah: f.progressive ? ah : 0,
      al: f.progressive ? al : 0,
      start: e,
    };
  }
}
