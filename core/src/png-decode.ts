/**
 * A whole PNG to RGBA, every colour type, bit depth and interlacing: the image data inflated at
 * once (bounded to the size IHDR implies), each row unfiltered and converted by ./png-stream.ts's
 * unfilter and rowConverter, Adam7 passes scattered to their pixels. Our own decoder replaced
 * upng-js here: its de-interlacing shifts 1-bit pixels by col&3 instead of col&7, and it ignores
 * the padding at the end of rows of 1, 2 or 4-bit samples that do not fill whole bytes.
 */
import { ImageError } from './errors.ts';
import { ADAM7_PASSES, CHANNELS, type PngHeader, pngDecodeBytes, pngInflatedSize, pngInflateHook, preparePng } from './png.ts';
import { readChunks, rowConverter, unfilter } from './png-stream.ts';

const corrupt = (why: string) => new ImageError('corrupt_image', `The PNG data is corrupt or truncated (${why}).`);

/** Decodes a PNG to RGBA, refusing it with 413 when the decode would need more than `maxMemoryMB` (pngDecodeBytes). */
export function decodePngRgba(bytes: Uint8Array, maxMemoryMB: number): { width: number; height: number; data: Uint8Array } {
  const { header } = preparePng(bytes);
  const need = pngDecodeBytes(header);
  if (need > maxMemoryMB * 1024 * 1024) {
    throw new ImageError(
      'too_large',
      `Decoding this ${header.width}x${header.height} PNG needs about ${Math.ceil(need / 2 ** 20)} MB; the limit is ${maxMemoryMB} MB.`,
    );
  }
  const { tables, idat } = readChunks(bytes);
  if (header.ctype === 3 && !tables.palette) throw corrupt('a palette image without PLTE');
  const size = idat.reduce((n, c) => n + c.length, 0);
  const joined = new Uint8Array(size);
  let off = 0;
  for (const c of idat) {
    joined.set(c, off);
    off += c.length;
  }
  const data = pngInflateHook.inflate(joined, pngInflatedSize(header));
  const { width: W, height: H } = header;
  const out = new Uint8Array(W * H * 4);
  const passes = header.interlace ? ADAM7_PASSES : ([[0, 0, 1, 1]] as const);
  let at = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((W - x0) / dx);
    const ph = Math.ceil((H - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    at = decodePass(data, at, { ...header, width: pw }, tables, ph, (py, rgba) => {
      const y = y0 + py * dy;
      if (dx === 1) out.set(rgba, y * W * 4);
      else {
        for (let i = 0, q = (y * W + x0) * 4; i < pw * 4; i += 4, q += dx * 4) {
          out[q] = rgba[i];
          out[q + 1] = rgba[i + 1];
          out[q + 2] = rgba[i + 2];
          out[q + 3] = rgba[i + 3];
        }
      }
    });
  }
  return { width: W, height: H, data: out };
}

/** One pass (or the whole non-interlaced image) of `h.width` x `rows`, from data[at]; returns where it ends. */
function decodePass(
  data: Uint8Array,
  at: number,
  h: PngHeader,
  tables: ReturnType<typeof readChunks>['tables'],
  rows: number,
  row: (y: number, rgba: Uint8Array) => void,
): number {
  const bitsPerPixel = CHANNELS[h.ctype] * h.depth;
  const rowBytes = Math.ceil((h.width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let prev = new Uint8Array(rowBytes);
  let cur = new Uint8Array(rowBytes);
  const rgba = new Uint8Array(h.width * 4);
  const convert = rowConverter(h, tables);
  for (let y = 0; y < rows; y++) {
    const filter = data[at];
    if (filter > 4) throw corrupt(`row ${y} has filter type ${filter}`);
    cur.set(data.subarray(at + 1, at + 1 + rowBytes));
    unfilter(filter, cur, prev, bpp);
    convert(cur, rgba);
    row(y, rgba);
    [prev, cur] = [cur, prev];
    at += rowBytes + 1;
  }
  return at;
}
