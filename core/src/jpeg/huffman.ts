/**
 * Huffman tables and the entropy-coded bit reader (ITU T.81 F.2.2, with libjpeg/stb_image's
 * 9-bit lookahead). Corrupt data never throws here: past the end or at a marker the reader feeds
 * zero bits, and a code no table holds consumes 17 bits and decodes as symbol 0 (both as libjpeg
 * does, so a damaged file yields libjpeg's image), and every loop stays bounded by the block count.
 */

const FAST_BITS = 9;
const FAST_SIZE = 1 << FAST_BITS;

export class HuffmanTable {
  /** Symbol and code length for every 9-bit prefix whose code is at most 9 bits; length 0 when longer. */
  readonly fastSymbol = new Uint8Array(FAST_SIZE);
  readonly fastLength = new Uint8Array(FAST_SIZE);
  /** For codes of length k: one past the largest code, left-aligned to 16 bits (k = 1..16; [17] = sentinel). */
  readonly maxCode = new Int32Array(18);
  /** Index of the first symbol of length k minus its first code. */
  readonly delta = new Int32Array(17);
  readonly symbols: Uint8Array;
  /**
   * For AC tables: a 9-bit prefix holding a whole coefficient (its code and its value bits, as
   * stb_image's fast_ac): value * 256 + run * 16 + bits used; 0 when it does not fit.
   */
  readonly fastAc = new Int16Array(FAST_SIZE);

  /** `counts[k-1]` codes of length k, then the symbols in code order (the DHT segment's layout). */
  constructor(counts: ArrayLike<number>, symbols: Uint8Array) {
    this.symbols = symbols;
    let code = 0;
    let index = 0;
    for (let k = 1; k <= 16; k++) {
      const n = counts[k - 1];
      this.delta[k] = index - code;
      for (let i = 0; i < n; i++, code++, index++) {
        if (k <= FAST_BITS) {
          const first = code << (FAST_BITS - k);
          for (let j = 0; j < 1 << (FAST_BITS - k); j++) {
            this.fastSymbol[first + j] = symbols[index];
            this.fastLength[first + j] = k;
          }
        }
      }
      this.maxCode[k] = code << (16 - k);
      code <<= 1;
    }
    this.maxCode[17] = 0x7fffffff;
    for (let p = 0; p < FAST_SIZE; p++) {
      const len = this.fastLength[p];
      const rs = this.fastSymbol[p];
      const s = rs & 15;
      if (!len || !s || len + s > FAST_BITS) continue;
      const bits = (p >> (FAST_BITS - len - s)) & ((1 << s) - 1);
      const value = bits < 1 << (s - 1) ? bits - (1 << s) + 1 : bits;
      if (value >= -128 && value <= 127) this.fastAc[p] = value * 256 + (rs >> 4) * 16 + len + s;
    }
  }
}

/** Reads a DHT segment's tables; returns the bytes consumed per table via the callback. */
export function readHuffmanTables(
  data: Uint8Array,
  start: number,
  end: number,
  define: (tableClass: number, id: number, table: HuffmanTable) => void,
): boolean {
  let p = start;
  while (p < end) {
    if (p + 17 > end) return false;
    const tc = data[p] >> 4;
    const th = data[p] & 15;
    const counts = data.subarray(p + 1, p + 17);
    let total = 0;
    for (let i = 0; i < 16; i++) total += counts[i];
    p += 17;
    if (p + total > end || tc > 1 || th > 3 || total > 256) return false;
    define(tc, th, new HuffmanTable(counts, data.slice(p, p + total)));
    p += total;
  }
  return true;
}

/** Bits of one entropy-coded segment, MSB first, with 0xFF00 unstuffed and markers stopping the flow. */
export class BitReader {
  private buf = 0;
  private bits = 0;
  /** Set once a marker (or the end) was reached: from there on zeros are fed. */
  private stopped = false;
  /** Zero bits fed since then. */
  private fed = 0;
  /** Bytes skipped to find restart markers, and restart markers not found where due (libjpeg warns of both). */
  skipped = 0;
  resyncs = 0;
  pos: number;

  constructor(
    private readonly data: Uint8Array,
    pos: number,
  ) {
    this.pos = pos;
  }

  /** Restarts the reader at a byte offset (a restart marker's successor, or a saved position). */
  reset(pos: number): void {
    this.pos = pos;
    this.buf = 0;
    this.bits = 0;
    this.stopped = false;
    this.fed = 0;
  }

  /**
   * Whether decoding consumed bits that the data does not have (it ran into a marker or the end):
   * a truncated or damaged segment, which jpeg-js refuses too. Bits only looked ahead at do not count.
   */
  get overrun(): boolean {
    return this.fed > this.bits;
  }

  /** Whole state, for the row index of streamed decoding (bits not yet consumed are re-read). */
  save(): { pos: number; buf: number; bits: number; stopped: boolean; fed: number } {
    return { pos: this.pos, buf: this.buf, bits: this.bits, stopped: this.stopped, fed: this.fed };
  }

  /** The same state into a[o .. o + 5) (the column index's typed-array form). */
  saveTo(a: Float64Array, o: number): void {
    a[o] = this.pos;
    a[o + 1] = this.buf;
    a[o + 2] = this.bits;
    a[o + 3] = this.stopped ? 1 : 0;
    a[o + 4] = this.fed;
  }

  restoreFrom(a: Float64Array, o: number): void {
    this.pos = a[o];
    this.buf = a[o + 1];
    this.bits = a[o + 2];
    this.stopped = a[o + 3] === 1;
    this.fed = a[o + 4];
  }

  restore(s: { pos: number; buf: number; bits: number; stopped: boolean; fed: number }): void {
    this.pos = s.pos;
    this.buf = s.buf;
    this.bits = s.bits;
    this.stopped = s.stopped;
    this.fed = s.fed;
  }

  private fill(): void {
    const data = this.data;
    while (this.bits <= 24) {
      let byte = 0;
      if (this.stopped) this.fed += 8;
      else {
        if (this.pos >= data.length) {
          this.stopped = true;
          this.fed += 8;
        } else {
          byte = data[this.pos];
          if (byte === 0xff) {
            const next = data[this.pos + 1];
            if (next === 0x00) this.pos += 2;
            else {
              // A marker: leave pos on it for the caller and feed zeros.
              this.stopped = true;
              this.fed += 8;
              byte = 0;
            }
          } else this.pos++;
        }
      }
      this.buf |= byte << (24 - this.bits);
      this.bits += 8;
    }
  }

  /** The next 9 bits, without consuming them (at least 16 are buffered after this). */
  peek9(): number {
    if (this.bits < 16) this.fill();
    return this.buf >>> (32 - FAST_BITS);
  }

  consume(n: number): void {
    this.buf <<= n;
    this.bits -= n;
  }

  /** One Huffman-coded symbol. */
  decode(t: HuffmanTable): number {
    if (this.bits < 16) this.fill();
    const peek = this.buf >>> (32 - FAST_BITS);
    const len = t.fastLength[peek];
    if (len) {
      this.buf <<= len;
      this.bits -= len;
      return t.fastSymbol[peek];
    }
    const c = this.buf >>> 16;
    let k = FAST_BITS + 1;
    while (c >= t.maxCode[k]) k++;
    if (k > 16) {
      // No such code: as libjpeg (jpeg_huff_decode), 17 bits are consumed and 0 is returned.
      this.buf <<= 17;
      this.bits -= 17;
      return 0;
    }
    this.buf <<= k;
    this.bits -= k;
    const index = (c >>> (16 - k)) + t.delta[k];
    return index < t.symbols.length ? t.symbols[index] : 0;
  }

  /** n raw bits (n <= 16) as an unsigned number. */
  bitsU(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    const v = this.buf >>> (32 - n);
    this.buf <<= n;
    this.bits -= n;
    return v;
  }

  bit(): number {
    if (this.bits < 1) this.fill();
    const v = this.buf >>> 31;
    this.buf <<= 1;
    this.bits -= 1;
    return v;
  }

  /** n bits read as a JPEG signed magnitude (T.81 F.2.2.1 EXTEND). */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.bitsU(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /** Skips n bits (a coefficient whose value is not needed). */
  skip(n: number): void {
    if (n === 0) return;
    if (this.bits < n) this.fill();
    this.buf <<= n;
    this.bits -= n;
  }

  /** Whether the reader is at the end of the data or at EOI: the image's data is cut off, not damaged. */
  get atEnd(): boolean {
    const p = this.pos;
    return p + 1 >= this.data.length || (this.data[p] === 0xff && this.data[p + 1] === 0xd9);
  }

  /**
   * Moves past restart marker RST`expected` as libjpeg does (read_restart_marker, then
   * jpeg_resync_to_restart when the marker found is not the one expected): whole bytes not
   * decoded and bytes that are not a marker are skipped (counted in `skipped`); an earlier RSTn or
   * an invalid marker is passed over to the next; an unexpected RSTn is dropped and decoding
   * resumes; a later RSTn (one of the next two) or another valid marker is left where it is, and
   * false is returned (the decoder then keeps the segment's state, as libjpeg does).
   */
  restart(expected: number): boolean {
    const unused = this.stopped ? this.bits - this.fed : this.bits;
    if (unused >= 8) this.skipped += unused >> 3;
    let mk = this.findMarker(this.pos);
    for (;;) {
      if (!mk) {
        this.reset(this.data.length);
        return false;
      }
      const m = mk.m;
      if (m === 0xd0 + expected) {
        this.reset(mk.at + 2);
        return true;
      }
      this.resyncs++;
      const isRst = m >= 0xd0 && m <= 0xd7;
      const rst = (k: number) => 0xd0 + ((expected + k) & 7);
      if (m < 0xc0 || (isRst && (m === rst(-1) || m === rst(-2)))) {
        mk = this.findMarker(mk.at + 2);
        continue;
      }
      if (!isRst || m === rst(1) || m === rst(2)) {
        this.reset(mk.at);
        return false;
      }
      this.reset(mk.at + 2);
      return true;
    }
  }

  /** The next marker from `p` (libjpeg's next_marker): FF 00 and other bytes before it are skipped. */
  private findMarker(p: number): { m: number; at: number } | null {
    const d = this.data;
    for (;;) {
      const from = p;
      while (p < d.length && d[p] !== 0xff) p++;
      this.skipped += p - from;
      while (p + 1 < d.length && d[p + 1] === 0xff) p++;
      if (p + 1 >= d.length) return null;
      if (d[p + 1] === 0) {
        this.skipped += 2;
        p += 2;
        continue;
      }
      return { m: d[p + 1], at: p };
    }
  }
}
