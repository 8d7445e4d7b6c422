/**
 * Shrink-on-load JPEG decoding (libjpeg's scaled IDCT, as libvips and sharp use it): any region of
 * the image at 1/1, 1/2, 1/4 or 1/8 of its size, as RGBA or gray, without decoding pixels that are
 * thrown away.
 *
 * - Baseline JPEGs whose first scan holds every component (what cameras and most encoders write)
 *   stream: one MCU row of coefficients at a time, so memory does not grow with the image height.
 *   While streaming, the entropy decoder's state at the start of each MCU row is kept (a few
 *   numbers a row), so a later region decode starts at the region's first row instead of the top:
 *   detection decodes the whole image small, then each face is decoded finer from its own rows.
 * - Progressive (and multi-scan baseline) JPEGs hold their coefficients (2 bytes each) until the
 *   last scan; every region and scale is then rendered from them.
 *
 * Colour conversion is libjpeg's (jdcolor.c: BT.601 YCbCr in 16-bit fixed point, rounded) with box
 * chroma upsampling (djpeg -nosmooth), so scale 1 matches `djpeg -dct int -nosmooth` within a
 * level (core/test/conformance.test.ts).
 *
 * Damaged data is treated as libjpeg treats it: stray bytes before a marker are skipped; when a
 * scan's data breaks off at a marker, the rest of its restart interval is left zero (mid-grey) and
 * decoding resynchronises at the next restart marker (jpeg_resync_to_restart); `damaged` says so.
 * Data that ends (end of file, or EOI) before the scan's last block is a cut file: corrupt_image.
 */

import type { Box } from '../box.ts';
import { ImageError } from '../errors.ts';
import { type Frame, MarkerState, type ScanHeader, ZIGZAG } from './frame.ts';
import { BitReader, type HuffmanTable } from './huffman.ts';
import { type IdctSize, idctBlock } from './idct.ts';

/** Output scale 1/denominator. */
export type Denominator = 1 | 2 | 4 | 8;
export const DENOMINATORS: readonly Denominator[] = [1, 2, 4, 8];
export type PixelFormat = 'rgba' | 'gray';

export interface RegionRequest {
  denominator: Denominator;
  /** In stored (not EXIF-rotated) full-size pixels; the whole image when absent. */
  region?: Box;
  format: PixelFormat;
}

/** Decoded pixels of a region: output pixel (i, j) covers stored pixels x0 + i*d .. x0 + (i+1)*d (y alike). */
export interface DecodedRegion {
  width: number;
  height: number;
  data: Uint8Array;
  x0: number;
  y0: number;
  denominator: Denominator;
}

export interface JpegDecoderOptions {
  /** Most scans decoded (each one walks its blocks). */
  maxScans: number;
}

const corrupt = (why: string) => new ImageError('corrupt_image', `The JPEG data is corrupt or truncated (${why}).`);

/** Blocks coded per entropy decode call: all 64 coefficients, only DC, or none kept. */
const KEEP_ALL = 2;
const KEEP_DC = 1;
const KEEP_NONE = 0;

interface RowState {
  reader: ReturnType<BitReader['save']>;
  preds: number[];
  /** MCUs since the last restart marker, restarts so far, and whether the segment's data broke off. */
  sinceRestart: number;
  restarts: number;
  insufficient: boolean;
}

/** MCU columns between the checkpoints of the column index. */
const COLUMN_STEP = 32;
/** Numbers per checkpoint: the bit reader's 5, MCUs since the restart, restarts, the broken-off flag, 4 DC predictors. */
const CHECKPOINT = 12;

/** libjpeg's YCbCr -> RGB tables (jdcolor.c build_ycc_rgb_table: SCALEBITS 16, rounded). */
const FIX = (x: number) => Math.round(x * 65536);
const CR_R = Int32Array.from({ length: 256 }, (_, i) => (FIX(1.402) * (i - 128) + 32768) >> 16);
const CB_B = Int32Array.from({ length: 256 }, (_, i) => (FIX(1.772) * (i - 128) + 32768) >> 16);
const CR_G = Int32Array.from({ length: 256 }, (_, i) => -FIX(0.71414) * (i - 128));
const CB_G = Int32Array.from({ length: 256 }, (_, i) => -FIX(0.34414) * (i - 128) + 32768);

interface Plan {
  n: IdctSize;
  d: Denominator;
  ox0: number;
  oy0: number;
  ow: number;
  oh: number;
  gray: boolean;
  out: Uint8Array;
  /** Per component: scaled sample x of each output column, the block columns needed, its band of samples. */
  xmap: Int32Array[];
  bc0: number[];
  bc1: number[];
  bands: Uint8Array[];
}

export class JpegDecoder {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  /** Whether decoding streams by MCU rows (else the coefficients of the whole image are held). */
  readonly streams: boolean;
  private readonly frame: Frame;
  private readonly markers: MarkerState;
  private readonly firstScan: ScanHeader;
  private readonly rgb: boolean;
  private store: { coef: Int16Array[]; last: Uint8Array[] } | null = null;
  /** Restart markers resynchronised and segments whose data broke off (libjpeg's warnings), so far. */
  private damage = 0;
  private readonly rowIndex: (RowState | undefined)[] = [];
  /**
   * Per MCU row, once it was decoded whole: the state before MCU column k * COLUMN_STEP (k >= 1),
   * CHECKPOINT numbers each, so that a later region decodes from the checkpoint left of it to its
   * right edge instead of the whole row (a face's crop, after the detection pass).
   */
  private readonly colIndex: (Float64Array | undefined)[] = [];

  constructor(
    private readonly data: Uint8Array,
    private readonly options: JpegDecoderOptions,
  ) {
    if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw corrupt('no start-of-image marker');
    this.markers = new MarkerState(data);
    const first = this.markers.nextScan(2);
    if (!first || !this.markers.frame) throw corrupt('no image data');
    this.frame = this.markers.frame;
    this.firstScan = first.scan;
    this.width = this.frame.width;
    this.height = this.frame.height;
    this.progressive = this.frame.progressive;
    this.streams = !this.progressive && first.scan.comps.length === this.frame.components.length;
    this.rgb = this.markers.storesRgb();
  }

  /** Whether damaged data was skipped (stray bytes before a marker, a broken scan resynchronised), in what was decoded so far. */
  get damaged(): boolean {
    return this.damage > 0 || this.markers.strayBytes > 0;
  }

  /** Bytes that decoding `req` allocates, for the caller's memory limit (checked before decoding). */
  bytesFor(req: RegionRequest): number {
    const f = this.frame;
    const n = 8 / req.denominator;
    const { ow, oh } = this.outputBox(req);
    let total = ow * oh * (req.format === 'gray' ? 1 : 4);
    for (const c of f.components) {
      total += c.padW * n * c.v * n; // band
      total += this.streams ? c.padW * c.v * 128 : c.padW * c.padH * 128; // coefficient rows or store
    }
    if (this.streams) total += f.mcusH * Math.floor((f.mcusW - 1) / COLUMN_STEP) * CHECKPOINT * 8; // the column index
    return total;
  }

  decode(req: RegionRequest): DecodedRegion {
    const plan = this.plan(req);
    if (this.streams) this.decodeStreaming(plan);
    else {
      this.store ??= this.decodeAllScans();
      const f = this.frame;
      const rows = this.mcuRows(plan);
      for (let r = rows.first; r <= rows.last; r++) {
        this.render(
          plan,
          r,
          this.store.coef,
          this.store.last,
          f.components.map((c) => r * c.v * c.padW * 64),
        );
      }
    }
    return {
      width: plan.ow,
      height: plan.oh,
      data: plan.out,
      x0: plan.ox0 * req.denominator,
      y0: plan.oy0 * req.denominator,
      denominator: req.denominator,
    };
  }

  private outputBox(req: RegionRequest): { ox0: number; oy0: number; ow: number; oh: number } {
    const d = req.denominator;
    const r = req.region ?? { x: 0, y: 0, w: this.width, h: this.height };
    const x0 = Math.max(0, Math.min(this.width, r.x));
    const y0 = Math.max(0, Math.min(this.height, r.y));
    const x1 = Math.max(x0, Math.min(this.width, r.x + r.w));
    const y1 = Math.max(y0, Math.min(this.height, r.y + r.h));
    const ox0 = Math.floor(x0 / d);
    const oy0 = Math.floor(y0 / d);
    const ow = Math.max(1, Math.ceil(x1 / d) - ox0);
    const oh = Math.max(1, Math.ceil(y1 / d) - oy0);
    return { ox0, oy0, ow: Math.min(ow, Math.ceil(this.width / d) - ox0), oh: Math.min(oh, Math.ceil(this.height / d) - oy0) };
  }

  private plan(req: RegionRequest): Plan {
    const f = this.frame;
    const n = (8 / req.denominator) as IdctSize;
    const { ox0, oy0, ow, oh } = this.outputBox(req);
    const gray = req.format === 'gray';
    const xmap: Int32Array[] = [];
    const bc0: number[] = [];
    const bc1: number[] = [];
    const bands: Uint8Array[] = [];
    for (const c of f.components) {
      const m = new Int32Array(ow);
      for (let i = 0; i < ow; i++) m[i] = Math.floor(((ox0 + i) * c.h) / f.hmax);
      xmap.push(m);
      bc0.push(Math.floor(m[0] / n));
      bc1.push(Math.min(c.padW - 1, Math.floor(m[ow - 1] / n)));
      bands.push(new Uint8Array(c.padW * n * c.v * n));
    }
    return { n, d: req.denominator, ox0, oy0, ow, oh, gray, out: new Uint8Array(ow * oh * (gray ? 1 : 4)), xmap, bc0, bc1, bands };
  }

  /** MCU rows that hold the plan's output rows. */
  private mcuRows(plan: Plan): { first: number; last: number } {
    const rowPixels = this.frame.vmax * plan.n;
    return {
      first: Math.floor(plan.oy0 / rowPixels),
      last: Math.min(this.frame.mcusH - 1, Math.floor((plan.oy0 + plan.oh - 1) / rowPixels)),
    };
  }

  private decodeStreaming(plan: Plan): void {
    const f = this.frame;
    const scan = this.firstScan;
    const comps = scan.comps.map((ci) => f.components[ci]);
    const rows = this.mcuRows(plan);
    const reader = new BitReader(this.data, scan.start);
    const preds = new Array<number>(comps.length).fill(0);
    let sinceRestart = 0;
    let restarts = 0;
    let insufficient = false;
    // Resume from the latest indexed row at or before the first one needed.
    let start = 0;
    let resume: RowState | undefined;
    for (let r = rows.first; r > 0 && !resume; r--) {
      resume = this.rowIndex[r];
      if (resume) start = r;
    }
    // Indexed by frame component (the scan may list them in another order).
    const rowCoef = f.components.map((c) => new Int16Array(c.padW * c.v * 64));
    const rowLast = f.components.map((c) => new Uint8Array(c.padW * c.v));
    const zeros = f.components.map(() => 0);
    const dcs = scan.dcTables.map((t) => t ?? corruptTable());
    const acs = scan.acTables.map((t) => t ?? corruptTable());
    const mcu = mcuBlocks(scan, f);
    const keepNeeded = plan.n === 1 ? KEEP_DC : KEEP_ALL;
    const interval = this.markers.restartInterval;
    // The MCU columns that hold the plan's blocks.
    const mxFirst = Math.min(...f.components.map((c, ci) => Math.floor(plan.bc0[ci] / c.h)));
    const mxLast = Math.min(f.mcusW - 1, Math.max(...f.components.map((c, ci) => Math.floor(plan.bc1[ci] / c.h))));
    const state = (): RowState => ({ reader: reader.save(), preds: preds.slice(), sinceRestart, restarts, insufficient });
    const restore = (s: RowState) => {
      reader.restore(s.reader);
      s.preds.forEach((p, i) => (preds[i] = p));
      ({ sinceRestart, restarts, insufficient } = s);
    };
    if (resume) restore(resume);
    const saveAt = (a: Float64Array, o: number) => {
      reader.saveTo(a, o);
      a[o + 5] = sinceRestart;
      a[o + 6] = restarts;
      a[o + 7] = insufficient ? 1 : 0;
      for (let i = 0; i < preds.length; i++) a[o + 8 + i] = preds[i];
    };
    const restoreAt = (a: Float64Array, o: number) => {
      reader.restoreFrom(a, o);
      sinceRestart = a[o + 5];
      restarts = a[o + 6];
      insufficient = a[o + 7] === 1;
      for (let i = 0; i < preds.length; i++) preds[i] = a[o + 8 + i];
    };
    const checkpointsPerRow = Math.floor((f.mcusW - 1) / COLUMN_STEP);
    for (let r = start; r <= rows.last; r++) {
      if (!this.rowIndex[r]) this.rowIndex[r] = state();
      const needed = r >= rows.first;
      // A row decoded whole before, with its successor indexed: only the plan's columns are decoded.
      const cols = this.colIndex[r];
      const partial = needed && cols !== undefined && (r + 1 === f.mcusH || this.rowIndex[r + 1] !== undefined);
      let mxStart = 0;
      if (partial) {
        const k = Math.floor(mxFirst / COLUMN_STEP);
        if (k > 0) restoreAt(cols, (k - 1) * CHECKPOINT);
        mxStart = k * COLUMN_STEP;
      }
      const mxEnd = partial ? mxLast : f.mcusW - 1;
      const checkpoints = !partial && !cols && checkpointsPerRow > 0 ? new Float64Array(checkpointsPerRow * CHECKPOINT) : null;
      // Only the coefficients kept are written; at 1/8 only DC is read back, so nothing needs clearing.
      if (needed && keepNeeded === KEEP_ALL) {
        for (let ci = 0; ci < f.components.length; ci++) {
          const c = f.components[ci];
          for (let j = 0; j < c.v; j++) rowCoef[ci].fill(0, (j * c.padW + plan.bc0[ci]) * 64, (j * c.padW + plan.bc1[ci] + 1) * 64);
        }
      }
      for (let mx = mxStart; mx <= mxEnd; mx++) {
        if (interval && sinceRestart === interval) {
          if (this.restart(reader, restarts++)) insufficient = false;
          preds.fill(0);
          sinceRestart = 0;
        }
        if (checkpoints && mx > 0 && mx % COLUMN_STEP === 0) saveAt(checkpoints, (mx / COLUMN_STEP - 1) * CHECKPOINT);
        for (let b = 0; b < mcu.length; b++) {
          const i = mcu.scanIndex[b];
          const ci = mcu.comp[b];
          const bx = mx * mcu.h[b] + mcu.k[b];
          const keep = needed && bx >= plan.bc0[ci] && bx <= plan.bc1[ci] ? keepNeeded : KEEP_NONE;
          const off = mcu.rowOffset[b] + bx * 64;
          if (!insufficient) preds[i] = decodeBaseline(reader, dcs[i], acs[i], preds[i], rowCoef[ci], off, keep, rowLast[ci]);
          else if (keep !== KEEP_NONE) {
            // libjpeg leaves the blocks of a broken-off segment zero: DC 0, mid-grey.
            rowCoef[ci][off] = 0;
            rowLast[ci][off >> 6] = 0;
          }
        }
        if (!insufficient && reader.overrun) insufficient = this.brokeOff(reader, `MCU row ${r + 1} of ${f.mcusH}`);
        sinceRestart++;
      }
      if (checkpoints) this.colIndex[r] = checkpoints;
      if (needed) this.render(plan, r, rowCoef, rowLast, zeros);
      // After a partial row, the next one starts from its own index.
      if (partial && r < rows.last) restore(this.rowIndex[r + 1]!);
    }
    if (rows.last + 1 < f.mcusH && !this.rowIndex[rows.last + 1]) this.rowIndex[rows.last + 1] = state();
  }

  /**
   * The scan's data broke off at a marker inside a segment (libjpeg's insufficient_data): the rest
   * of the segment stays zero, unless the file ends there (end of data or EOI): a cut file.
   */
  private brokeOff(reader: BitReader, where: string): true {
    if (reader.atEnd) throw corrupt(`the data ends in ${where}`);
    this.damage++;
    return true;
  }

  /**
   * At a restart interval's end: libjpeg's resync. Returns whether the expected marker (or one to
   * drop) was passed, which clears a broken-off segment's state; left before another marker,
   * libjpeg keeps that state, and a segment decoded from there reads zero bits and breaks off.
   */
  private restart(reader: BitReader, done: number): boolean {
    const before = reader.skipped + reader.resyncs;
    const found = reader.restart(done & 7);
    if (reader.skipped + reader.resyncs > before) this.damage++;
    if (!found && reader.atEnd) throw corrupt('the data ends before the last restart interval');
    return found;
  }

  /** Every scan into the coefficient store (progressive, or baseline with one scan per component). */
  private decodeAllScans(): { coef: Int16Array[]; last: Uint8Array[] } {
    const f = this.frame;
    const store = {
      coef: f.components.map((c) => new Int16Array(c.padW * c.padH * 64)),
      last: f.components.map((c) => new Uint8Array(c.padW * c.padH)),
    };
    let scan: ScanHeader | null = this.firstScan;
    let scans = 0;
    while (scan) {
      if (++scans > this.options.maxScans) {
        throw new ImageError('too_large', `The JPEG has more than ${this.options.maxScans} scans; the limit is ${this.options.maxScans}.`);
      }
      const end = this.decodeScan(scan, store);
      scan = this.markers.nextScan(end)?.scan ?? null;
    }
    // Without EOI a multi-scan file may be cut between scans: the image is not all there.
    if (!this.markers.sawEoi) throw corrupt('the file ends before its end-of-image marker');
    return store;
  }

  /** One scan into the store; returns where its entropy-coded data stopped being read. */
  private decodeScan(scan: ScanHeader, store: { coef: Int16Array[]; last: Uint8Array[] }): number {
    const f = this.frame;
    const reader = new BitReader(this.data, scan.start);
    const interval = this.markers.restartInterval;
    const comps = scan.comps.map((ci) => f.components[ci]);
    const preds = new Array<number>(comps.length).fill(0);
    const eob = { run: 0 };
    const progressive = f.progressive;
    const dcScan = scan.ss === 0;
    for (let i = 0; i < comps.length; i++) {
      if (!progressive || dcScan) {
        if (scan.ah === 0 && !scan.dcTables[i]) throw corrupt('a scan uses an undefined Huffman table');
      }
      if ((!progressive || !dcScan) && !scan.acTables[i]) throw corrupt('a scan uses an undefined Huffman table');
    }
    let insufficient = false;
    const block = (i: number, off: number) => {
      if (insufficient) return; // the store's blocks stay as they are (zero, or earlier scans' values)
      const coef = store.coef[scan.comps[i]];
      const last = store.last[scan.comps[i]];
      if (!progressive) preds[i] = decodeBaseline(reader, scan.dcTables[i]!, scan.acTables[i]!, preds[i], coef, off, KEEP_ALL, last);
      else if (dcScan) {
        if (scan.ah === 0) {
          preds[i] += reader.receiveExtend(reader.decode(scan.dcTables[i]!));
          coef[off] = preds[i] * (1 << scan.al);
        } else if (reader.bit()) coef[off] |= 1 << scan.al;
      } else if (scan.ah === 0) decodeAcFirst(reader, scan.acTables[i]!, coef, off, scan.ss, scan.se, scan.al, eob, last);
      else decodeAcRefine(reader, scan.acTables[i]!, coef, off, scan.ss, scan.se, scan.al, eob, last);
    };
    let sinceRestart = 0;
    let restarts = 0;
    const restart = () => {
      if (!insufficient && reader.overrun) insufficient = this.brokeOff(reader, 'a scan');
      if (interval && sinceRestart === interval) {
        if (this.restart(reader, restarts++)) insufficient = false;
        preds.fill(0);
        eob.run = 0;
        sinceRestart = 0;
      }
    };
    if (comps.length === 1) {
      // Non-interleaved: only the blocks that hold samples, in raster order.
      const c = comps[0];
      for (let by = 0; by < c.blocksH; by++) {
        for (let bx = 0; bx < c.blocksW; bx++) {
          restart();
          block(0, (by * c.padW + bx) * 64);
          sinceRestart++;
        }
      }
    } else {
      for (let my = 0; my < f.mcusH; my++) {
        for (let mx = 0; mx < f.mcusW; mx++) {
          restart();
          for (let i = 0; i < comps.length; i++) {
            const c = comps[i];
            for (let j = 0; j < c.v; j++) for (let k = 0; k < c.h; k++) block(i, ((my * c.v + j) * c.padW + mx * c.h + k) * 64);
          }
          sinceRestart++;
        }
      }
    }
    if (!insufficient && reader.overrun) this.brokeOff(reader, "a scan's last block");
    return reader.pos;
  }

  /** IDCTs of MCU row r's needed blocks, then colour conversion of its output rows into plan.out. */
  private render(plan: Plan, r: number, coef: Int16Array[], lastOf: Uint8Array[], base: number[]): void {
    const f = this.frame;
    const n = plan.n;
    const comps = f.components;
    for (let ci = 0; ci < comps.length; ci++) {
      const c = comps[ci];
      const quant = this.markers.quant[c.tq]!;
      const stride = c.padW * n;
      const band = plan.bands[ci];
      const cc = coef[ci];
      const lc = lastOf[ci];
      for (let j = 0; j < c.v; j++) {
        const rowBase = base[ci] + j * c.padW * 64;
        if (n === 1) {
          // The block mean from DC alone (the hot case: detection at 1/8).
          const q = quant[0] / 8;
          for (let bx = plan.bc0[ci]; bx <= plan.bc1[ci]; bx++) {
            const v = Math.round(cc[rowBase + bx * 64] * q + 128);
            band[j * stride + bx] = v < 0 ? 0 : v > 255 ? 255 : v;
          }
          continue;
        }
        for (let bx = plan.bc0[ci]; bx <= plan.bc1[ci]; bx++) {
          const off = rowBase + bx * 64;
          idctBlock(cc, off, lc[off >> 6], quant, n, band, j * n * stride + bx * n, stride);
        }
      }
    }
    const rowPixels = f.vmax * n;
    const top = r * rowPixels;
    const yStart = Math.max(plan.oy0, top);
    const yEnd = Math.min(plan.oy0 + plan.oh, top + rowPixels);
    const ow = plan.ow;
    const out = plan.out;
    for (let oy = yStart; oy < yEnd; oy++) {
      const ly = oy - top;
      let o = (oy - plan.oy0) * ow * (plan.gray ? 1 : 4);
      if (comps.length === 1) {
        const band = plan.bands[0];
        const m = plan.xmap[0];
        const b = Math.floor((ly * comps[0].v) / f.vmax) * comps[0].padW * n;
        for (let i = 0; i < ow; i++) {
          const y = band[b + m[i]];
          if (plan.gray) out[o++] = y;
          else {
            out[o++] = y;
            out[o++] = y;
            out[o++] = y;
            out[o++] = 255;
          }
        }
        continue;
      }
      const b0 = Math.floor((ly * comps[0].v) / f.vmax) * comps[0].padW * n;
      const b1 = Math.floor((ly * comps[1].v) / f.vmax) * comps[1].padW * n;
      const b2 = Math.floor((ly * comps[2].v) / f.vmax) * comps[2].padW * n;
      const [p0, p1, p2] = plan.bands;
      const [m0, m1, m2] = plan.xmap;
      for (let i = 0; i < ow; i++) {
        let R: number;
        let G: number;
        let B: number;
        if (this.rgb) {
          R = p0[b0 + m0[i]];
          G = p1[b1 + m1[i]];
          B = p2[b2 + m2[i]];
        } else {
          const Y = p0[b0 + m0[i]];
          const cb = p1[b1 + m1[i]];
          const cr = p2[b2 + m2[i]];
          R = Y + CR_R[cr];
          G = Y + ((CB_G[cb] + CR_G[cr]) >> 16);
          B = Y + CB_B[cb];
          R = R < 0 ? 0 : R > 255 ? 255 : R;
          G = G < 0 ? 0 : G > 255 ? 255 : G;
          B = B < 0 ? 0 : B > 255 ? 255 : B;
        }
        if (plan.gray) out[o++] = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16;
        else {
          out[o++] = R;
          out[o++] = G;
          out[o++] = B;
          out[o++] = 255;
        }
      }
    }
  }
}

function corruptTable(): never {
  throw corrupt('a scan uses an undefined Huffman table');
}

/** The blocks of one MCU of an interleaved scan, in coding order, flattened for the hot loop. */
function mcuBlocks(scan: ScanHeader, f: Frame) {
  const scanIndex: number[] = [];
  const comp: number[] = [];
  const h: number[] = [];
  const k: number[] = [];
  const rowOffset: number[] = [];
  scan.comps.forEach((ci, i) => {
    const c = f.components[ci];
    for (let j = 0; j < c.v; j++) {
      for (let kk = 0; kk < c.h; kk++) {
        scanIndex.push(i);
        comp.push(ci);
        h.push(c.h);
        k.push(kk);
        rowOffset.push(j * c.padW * 64);
      }
    }
  });
  return {
    length: comp.length,
    scanIndex: Int32Array.from(scanIndex),
    comp: Int32Array.from(comp),
    h: Int32Array.from(h),
    k: Int32Array.from(k),
    rowOffset: Int32Array.from(rowOffset),
  };
}

/** One baseline block (DC difference, then run-length AC); returns the new DC predictor. */
function decodeBaseline(
  reader: BitReader,
  dc: HuffmanTable,
  ac: HuffmanTable,
  pred: number,
  coef: Int16Array,
  off: number,
  keep: number,
  last: Uint8Array,
): number {
  const t = reader.decode(dc);
  pred += reader.receiveExtend(t);
  if (keep !== KEEP_NONE) coef[off] = pred;
  let end = 0;
  const fastAc = ac.fastAc;
  for (let k = 1; k < 64; ) {
    // Most coefficients are a short code and a few value bits: one table lookup.
    const fac = fastAc[reader.peek9()];
    if (fac !== 0) {
      k += (fac >> 4) & 15;
      reader.consume(fac & 15);
      if (k > 63) {
        // A run past the block's end (corrupt data): libjpeg's natural order maps it to the last coefficient.
        if (keep === KEEP_ALL) coef[off + 63] = fac >> 8;
        end = 63;
        break;
      }
      if (keep === KEEP_ALL) coef[off + ZIGZAG[k]] = fac >> 8;
      end = k;
      k++;
      continue;
    }
    const rs = reader.decode(ac);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r !== 15) break;
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) {
      const v = reader.receiveExtend(s);
      if (keep === KEEP_ALL) coef[off + 63] = v;
      end = 63;
      break;
    }
    if (keep === KEEP_ALL) coef[off + ZIGZAG[k]] = reader.receiveExtend(s);
    else reader.skip(s);
    end = k;
    k++;
  }
  if (keep !== KEEP_NONE) last[off >> 6] = keep === KEEP_ALL ? end : 0;
  return pred;
}

/** First AC scan of a spectral band (T.81 G.1.2.2), with end-of-band runs. */
function decodeAcFirst(
  reader: BitReader,
  ac: HuffmanTable,
  coef: Int16Array,
  off: number,
  ss: number,
  se: number,
  al: number,
  eob: { run: number },
  last: Uint8Array,
): void {
  if (eob.run > 0) {
    eob.run--;
    return;
  }
  for (let k = ss; k <= se; ) {
    const rs = reader.decode(ac);
    const s = rs & 15;
    const r = rs >> 4;
    if (s === 0) {
      if (r < 15) {
        eob.run = (1 << r) - 1 + reader.bitsU(r);
        break;
      }
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) break;
    coef[off + ZIGZAG[k]] = reader.receiveExtend(s) * (1 << al);
    if (k > last[off >> 6]) last[off >> 6] = k;
    k++;
  }
}

/** Refinement AC scan (T.81 G.1.2.3, as libjpeg's decode_mcu_AC_refine). */
function decodeAcRefine(
  reader: BitReader,
  ac: HuffmanTable,
  coef: Int16Array,
  off: number,
  ss: number,
  se: number,
  al: number,
  eob: { run: number },
  last: Uint8Array,
): void {
  // No closures here: this runs once per block per refinement scan (a bundler's keepNames would
  // wrap each one created).
  const p1 = 1 << al;
  const m1 = -1 << al;
  const b = off >> 6;
  let k = ss;
  // Past last[b] (the block's highest nonzero coefficient so far) every coefficient is zero: no
  // correction bits to read there, so a run of zeros lands at once and an end-of-band stops (most
  // blocks of a high band are zero: this is most of a refinement scan's work).
  if (eob.run === 0) {
    for (; k <= se; k++) {
      const rs = reader.decode(ac);
      let r = rs >> 4;
      let s = rs & 15;
      if (s) s = reader.bit() ? p1 : m1;
      else if (r !== 15) {
        eob.run = (1 << r) + reader.bitsU(r);
        break;
      }
      const lastNonzero = last[b];
      while (k <= se) {
        if (k > lastNonzero) {
          // The zero at k + r is the one the code means.
          k += r;
          break;
        }
        const z = off + ZIGZAG[k];
        if (coef[z] !== 0) {
          if (reader.bit() && (coef[z] & p1) === 0) coef[z] += coef[z] >= 0 ? p1 : m1;
        } else if (--r < 0) break;
        k++;
      }
      if (s && k <= se) {
        coef[off + ZIGZAG[k]] = s;
        if (k > last[b]) last[b] = k;
      }
    }
  }
  if (eob.run > 0) {
    const end = Math.min(se, last[b]);
    for (; k <= end; k++) {
      const z = off + ZIGZAG[k];
      if (coef[z] !== 0 && reader.bit() && (coef[z] & p1) === 0) coef[z] += coef[z] >= 0 ? p1 : m1;
    }
    eob.run--;
  }
}
