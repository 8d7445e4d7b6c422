/**
 * The valid images the fuzzer starts from: PNGs of every colour type, bit depth and interlace
 * method and JPEGs with EXIF orientations, made here in JS; the committed fixtures (progressive,
 * restart markers, CMYK, subsampling, arithmetic coding: ./fixtures, made by make-fixtures.ts);
 * and, when ../shared is there, FER2013 crops and two real photos.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADAM7_PASSES } from '@emotion/core/png';
import jpeg from 'jpeg-js';
import pako from 'pako';
import { FER_TEST, PHOTOS } from '../harness.ts';
import { type Bytes, concat, ihdr, PNG_SIGNATURE, pngChunk } from '../images.ts';
import { requireOrSkip } from '../shared-data.ts';

export type Format = 'jpeg' | 'png';

export interface Seed {
  name: string;
  format: Format;
  bytes: Bytes;
  /** Large seeds (real photos, 1x100000) are picked less often, to keep a run fast. */
  heavy?: boolean;
}

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  ctype: number;
  interlace?: 0 | 1;
  /** tRNS for colour types 0, 2, 3. */
  trns?: boolean;
  /** Cycle the row filter types 0-4 (the data stays valid: any bytes unfilter to some pixels). */
  filters?: boolean;
  /** Extra chunks before IDAT (tEXt, gAMA, ...). */
  extra?: Uint8Array[];
}

/** A valid PNG with patterned pixel bytes. */
export function makePng(s: PngSpec): Bytes {
  const bpp = CHANNELS[s.ctype] * s.depth;
  const rowBytes = (w: number) => Math.ceil((w * bpp) / 8);
  const passes = s.interlace ? ADAM7_PASSES : [[0, 0, 1, 1]];
  const parts: Uint8Array[] = [];
  let row = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((s.width - x0) / dx);
    const ph = Math.ceil((s.height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rb = rowBytes(pw);
    const out = new Uint8Array(ph * (rb + 1));
    for (let y = 0; y < ph; y++, row++) {
      out[y * (rb + 1)] = s.filters ? row % 5 : 0;
      for (let i = 0; i < rb; i++) out[y * (rb + 1) + 1 + i] = (i * 29 + row * 71 + ((i * row) >> 3)) & 255;
    }
    parts.push(out);
  }
  const chunks: Uint8Array[] = [ihdr(s.width, s.height, s.depth, s.ctype, s.interlace ?? 0)];
  if (s.ctype === 3) {
    const n = 1 << Math.min(8, s.depth);
    chunks.push(
      pngChunk(
        'PLTE',
        Uint8Array.from({ length: n * 3 }, (_, i) => (i * 53) & 255),
      ),
    );
    if (s.trns)
      chunks.push(
        pngChunk(
          'tRNS',
          Uint8Array.from({ length: Math.min(n, 7) }, (_, i) => i * 40),
        ),
      );
  } else if (s.trns && s.ctype === 0) chunks.push(pngChunk('tRNS', new Uint8Array([0, 1])));
  else if (s.trns && s.ctype === 2) chunks.push(pngChunk('tRNS', new Uint8Array([0, 1, 0, 2, 0, 3])));
  chunks.push(...(s.extra ?? []));
  chunks.push(pngChunk('IDAT', pako.deflate(concat(...parts))));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return concat(PNG_SIGNATURE, ...chunks);
}

/** A baseline 4:4:4 JPEG (jpeg-js' encoder) of patterned RGB pixels. */
export function makeJpeg(width: number, height: number, quality = 80): Bytes {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i += 4) rgba.set([(x * 5 + y * 3) & 255, (x * y) & 255, (y * 7) & 255, 255], i);
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, quality).data);
}

/** An APP1 Exif segment whose IFD0 holds one Orientation entry. */
export function exifApp1(orientation: number, little: boolean): Bytes {
  const tiff = new Uint8Array(26);
  const dv = new DataView(tiff.buffer);
  tiff.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  dv.setUint16(2, 42, little);
  dv.setUint32(4, 8, little);
  dv.setUint16(8, 1, little); // one entry
  dv.setUint16(10, 0x0112, little); // Orientation
  dv.setUint16(12, 3, little); // SHORT
  dv.setUint32(14, 1, little);
  dv.setUint16(18, orientation, little);
  dv.setUint32(22, 0, little); // no next IFD
  const body = concat(new TextEncoder().encode('Exif\0\0'), tiff);
  const seg = new Uint8Array(4 + body.length);
  seg.set([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]);
  seg.set(body, 4);
  return seg;
}

/** The JPEG with `segment` inserted right after SOI. */
export function withSegment(jpegBytes: Uint8Array, segment: Uint8Array): Bytes {
  return concat(jpegBytes.subarray(0, 2), segment, jpegBytes.subarray(2));
}

function generated(): Seed[] {
  const seeds: Seed[] = [];
  const png = (name: string, s: PngSpec, heavy = false) => seeds.push({ name: `png-${name}`, format: 'png', bytes: makePng(s), heavy });
  for (const [ctype, depths] of [
    [0, [1, 2, 4, 8, 16]],
    [2, [8, 16]],
    [3, [1, 2, 4, 8]],
    [4, [8, 16]],
    [6, [8, 16]],
  ] as const) {
    for (const depth of depths) {
      for (const interlace of [0, 1] as const) {
        png(`c${ctype}d${depth}${interlace ? 'i' : ''}`, {
          width: 13,
          height: 11,
          depth,
          ctype,
          interlace,
          filters: true,
          trns: ctype !== 4 && ctype !== 6,
        });
      }
    }
  }
  png('1x1', { width: 1, height: 1, depth: 8, ctype: 6 });
  png('1x1-interlaced', { width: 1, height: 1, depth: 16, ctype: 4, interlace: 1 });
  png('48x48-gray', { width: 48, height: 48, depth: 8, ctype: 0, filters: true });
  png('5x1-interlaced', { width: 5, height: 1, depth: 2, ctype: 3, interlace: 1 });
  const text = pngChunk('tEXt', new TextEncoder().encode('Comment\0fuzz'));
  const gama = pngChunk('gAMA', new Uint8Array([0, 0, 0xb1, 0x8f]));
  png('ancillary', { width: 9, height: 7, depth: 8, ctype: 2, extra: [text, gama] });
  png('1x100000', { width: 1, height: 100_000, depth: 8, ctype: 0 }, true);
  png('100000x1', { width: 100_000, height: 1, depth: 8, ctype: 2 }, true);
  const jpg = (name: string, bytes: Bytes, heavy = false) => seeds.push({ name: `jpeg-${name}`, format: 'jpeg', bytes, heavy });
  jpg('1x1', makeJpeg(1, 1));
  jpg('8x8', makeJpeg(8, 8));
  jpg('17x13', makeJpeg(17, 13, 95));
  jpg('48x48', makeJpeg(48, 48, 60));
  jpg('1x20000', makeJpeg(1, 20000, 50), true);
  const base = makeJpeg(24, 16);
  for (const o of [1, 3, 5, 6, 8]) jpg(`exif-orientation-${o}-${o % 2 ? 'le' : 'be'}`, withSegment(base, exifApp1(o, o % 2 === 1)));
  return seeds;
}

function fixtures(): Seed[] {
  return readdirSync(FIXTURES)
    .filter((f) => /\.(jpe?g|png)$/.test(f))
    .sort()
    .map((f) => ({
      name: `fixture-${f}`,
      format: f.endsWith('.png') ? 'png' : 'jpeg',
      bytes: new Uint8Array(readFileSync(join(FIXTURES, f))),
    }));
}

/** FER2013 crops (one per class) and two small real photos, when ../shared is present. */
function shared(): Seed[] {
  if (requireOrSkip(existsSync(FER_TEST) && existsSync(PHOTOS), `../shared (${FER_TEST}, ${PHOTOS}): the fuzz corpus has no real photos`))
    return [];
  const seeds: Seed[] = readdirSync(FER_TEST)
    .sort()
    .map((label) => {
      const f = readdirSync(join(FER_TEST, label)).sort()[0];
      return { name: `fer-${label}`, format: 'jpeg' as const, bytes: new Uint8Array(readFileSync(join(FER_TEST, label, f))) };
    });
  seeds.push({ name: 'photo-fearful.jpg', format: 'jpeg', bytes: new Uint8Array(readFileSync(join(PHOTOS, 'fearful.jpg'))), heavy: true });
  seeds.push({ name: 'photo-amy1.png', format: 'png', bytes: new Uint8Array(readFileSync(join(PHOTOS, 'amy', 'amy1.png'))), heavy: true });
  return seeds;
}

let cached: Seed[] | null = null;

/** Every seed, in a fixed order (the order is part of what a fuzz seed reproduces). */
export function corpus(): Seed[] {
  cached ??= [...generated(), ...fixtures(), ...shared()];
  return cached;
}
