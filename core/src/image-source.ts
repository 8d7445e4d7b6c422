/**
 * An upload opened for shrink-on-load reading: its upright size from the header, then any region
 * at 1/1, 1/2, 1/4 or 1/8 scale, as RGBA or gray. JPEG regions come straight from the DCT
 * coefficients (./jpeg/decoder.ts), so a 12 MP photo is never decoded at full size; a PNG is
 * decoded once (bounded by the memory limit) and box-averaged.
 *
 * Coordinates are those of the upright (EXIF-oriented) image. A ScaledImage's pixel (i, j) covers
 * the upright pixels x0 + i*step .. x0 + (i+1)*step (y alike): toScaled() maps boxes into it.
 */
import type { Box } from './box.ts';
import { ImageError } from './errors.ts';
import { type Denominator, JpegDecoder, type PixelFormat } from './jpeg/decoder.ts';
import { readJpegOrientation } from './jpeg/headers.ts';
import { checkJpegScans, type ImageFormat, megapixels as mp, readHeader } from './open.ts';
import { luma, orient } from './pixels.ts';
import { pngDecodeBytes, readPngOrientation } from './png.ts';
import { decodePngRgba } from './png-decode.ts';
import { pngStreamBytes, streamPngRows } from './png-stream.ts';

export type { Denominator, PixelFormat };

export interface ScaledImage {
  width: number;
  height: number;
  /** 1 byte per pixel (gray) or 4 (RGBA). */
  data: Uint8Array;
  /** Upright full-size position of pixel (0, 0)'s top-left corner (may lie outside the image by less than a step). */
  x0: number;
  y0: number;
  step: Denominator;
}

export interface ReadRequest {
  denominator: Denominator;
  /** Upright full-size pixels; the whole image when absent. */
  region?: Box;
  format: PixelFormat;
}

export interface ImageSource {
  format: ImageFormat;
  /** Upright size. */
  width: number;
  height: number;
  /** How the pixels are held: a streamed baseline JPEG, a JPEG's coefficients, a streamed PNG (its gray image), or a decoded (interlaced) PNG. */
  layout: 'jpeg-streamed' | 'jpeg-coefficients' | 'png-streamed' | 'png';
  /**
   * Whether the decoder skipped damaged data it recovered from, as libjpeg does (stray bytes before
   * a marker, a broken scan resynchronised at its next restart marker): known once read() has run.
   */
  damaged: boolean;
  /** Bytes read() allocates for this request (checked against the caller's budget first). */
  bytesFor(req: ReadRequest): number;
  read(req: ReadRequest): ScaledImage;
}

export interface SourceLimits {
  /** Largest width * height for a streamed (baseline) JPEG. */
  maxPixelsStreamed: number;
  /** Largest width * height for anything that is held whole: a progressive JPEG's coefficients, a PNG. */
  maxPixelsHeld: number;
  /** Longest side. */
  maxSide: number;
  /** Memory for decoding one request (the coefficient store or the decoded PNG included), in bytes. */
  maxDecodeBytes: number;
  maxJpegScans: number;
}

/** Box of upright pixels -> the same pixels in a ScaledImage's coordinates. */
export function toScaled(box: Box, img: ScaledImage): Box {
  return { x: (box.x - img.x0) / img.step, y: (box.y - img.y0) / img.step, w: box.w / img.step, h: box.h / img.step };
}

/** The largest denominator that keeps `side` full-size pixels at least `need` pixels. */
export function denominatorFor(side: number, need: number): Denominator {
  for (const d of [8, 4, 2] as const) if (side / d >= need) return d;
  return 1;
}

/** Opens JPEG or PNG bytes: checks format, size and the memory of holding the image, decodes nothing yet. */
export function openImage(bytes: Uint8Array, limits: SourceLimits): ImageSource {
  const { format, ...size } = readHeader(bytes);
  const pixels = size.width * size.height;
  const tooMany = (limit: number, what?: string) =>
    new ImageError(
      'too_large',
      `The image is ${size.width}x${size.height} (${mp(pixels)} MP); the limit ${what ? `for ${what} ` : ''}is ${mp(limit)} MP.`,
    );
  if (pixels > limits.maxPixelsStreamed) throw tooMany(limits.maxPixelsStreamed);
  if (Math.max(size.width, size.height) > limits.maxSide) {
    throw new ImageError(
      'too_large',
      `The image is ${size.width}x${size.height}; the limit is ${limits.maxSide} pixels on the longest side.`,
    );
  }
  if (format === 'jpeg') checkJpegScans(bytes, limits.maxJpegScans);
  return format === 'jpeg' ? openJpeg(bytes, limits, tooMany) : openPng(bytes, size, limits, tooMany);
}

function openJpeg(bytes: Uint8Array, limits: SourceLimits, tooMany: (limit: number, what?: string) => ImageError): ImageSource {
  const dec = new JpegDecoder(bytes, { maxScans: limits.maxJpegScans });
  if (!dec.streams && dec.width * dec.height > limits.maxPixelsHeld) throw tooMany(limits.maxPixelsHeld, 'progressive JPEGs');
  const orientation = readJpegOrientation(bytes);
  const swap = orientation >= 5;
  const W = dec.width;
  const H = dec.height;
  const source: ImageSource = {
    format: 'jpeg',
    width: swap ? H : W,
    height: swap ? W : H,
    layout: dec.streams ? 'jpeg-streamed' : 'jpeg-coefficients',
    get damaged() {
      return dec.damaged;
    },
    bytesFor: (req) => dec.bytesFor({ ...req, region: req.region && storedBox(req.region, orientation, W, H) }),
    read(req) {
      checkBudget(source.bytesFor(req), limits, source);
      const stored = dec.decode({ ...req, region: req.region && storedBox(req.region, orientation, W, H) });
      const img = orient(stored, orientation);
      const d = req.denominator;
      const c = uprightCorner(stored.x0, stored.y0, stored.width * d, stored.height * d, orientation, W, H);
      return { width: img.width, height: img.height, data: img.data, x0: c.x, y0: c.y, step: d };
    },
  };
  return source;
}

function openPng(
  bytes: Uint8Array,
  size: { width: number; height: number },
  limits: SourceLimits,
  tooMany: (limit: number, what?: string) => ImageError,
): ImageSource {
  if (size.width * size.height > limits.maxPixelsHeld) throw tooMany(limits.maxPixelsHeld, 'PNGs');
  const interlaced = bytes.length > 28 && bytes[28] === 1;
  // An oriented PNG (eXIf, rare) is decoded whole and turned upright once; the rest stream.
  const orientation = readPngOrientation(bytes);
  return interlaced || orientation !== 1 ? openPngWhole(bytes, size, limits, orientation) : openPngStreamed(bytes, size, limits);
}

/**
 * A non-interlaced PNG, streamed once (./png-stream.ts) into what the pipeline reads: the RGBA
 * detection image, box-averaged on the fly, and the full-size gray image the crops are cut from
 * (1 byte a pixel instead of the whole decode's 8).
 */
function openPngStreamed(bytes: Uint8Array, size: { width: number; height: number }, limits: SourceLimits): ImageSource {
  const { width: W, height: H } = size;
  let gray: Uint8Array | null = null;
  let colour: ScaledImage | null = null;
  const header = { width: W, height: H, depth: bytes[24], ctype: bytes[25], interlace: 0 };
  const streamBytes = Number.isFinite(pngStreamBytes(header)) ? pngStreamBytes(header) : 0;
  const stream = (d: Denominator) => {
    const ow = Math.ceil(W / d);
    const oh = Math.ceil(H / d);
    const out = new Uint8Array(ow * oh * 4);
    const acc = new Float64Array(ow * 4);
    const g = gray ?? new Uint8Array(W * H);
    const col = Int32Array.from({ length: W }, (_, x) => Math.floor(x / d) * 4);
    const emit = (oy: number, rows: number) => {
      for (let ox = 0; ox < ow; ox++) {
        const n = rows * (Math.min(W, (ox + 1) * d) - ox * d);
        for (let c = 0; c < 4; c++) out[(oy * ow + ox) * 4 + c] = Math.round(acc[ox * 4 + c] / n);
      }
      acc.fill(0);
    };
    const fresh = !gray;
    streamPngRows(bytes, (y, rgba) => {
      for (let x = 0, p = 0; x < W; x++, p += 4) {
        const a = col[x];
        acc[a] += rgba[p];
        acc[a + 1] += rgba[p + 1];
        acc[a + 2] += rgba[p + 2];
        acc[a + 3] += rgba[p + 3];
      }
      if (fresh) for (let x = 0, p = 0, o = y * W; x < W; x++, p += 4) g[o + x] = luma(rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]);
      if ((y + 1) % d === 0 || y === H - 1) emit(Math.floor(y / d), (y % d) + 1);
    });
    gray = g;
    colour = { width: ow, height: oh, data: out, x0: 0, y0: 0, step: d };
    return colour;
  };
  const source: ImageSource = {
    format: 'png',
    width: W,
    height: H,
    layout: 'png-streamed',
    damaged: false,
    bytesFor: (req) => W * H + Math.ceil(W / req.denominator) * Math.ceil(H / req.denominator) * 4 + streamBytes,
    read(req) {
      checkBudget(source.bytesFor(req), limits, source);
      if (req.format === 'rgba') {
        const img = colour && colour.step === req.denominator ? colour : stream(req.denominator);
        return req.region ? cropScaled(img, req.region) : img;
      }
      if (!gray) stream(8);
      return boxAverage(gray!, 1, W, H, req);
    },
  };
  return source;
}

/** The part of a ScaledImage (4 bytes a pixel) that covers a box of upright full-size pixels. */
export function cropScaled(img: ScaledImage, box: Box): ScaledImage {
  const s = toScaled(box, img);
  const x0 = Math.max(0, Math.floor(s.x));
  const y0 = Math.max(0, Math.floor(s.y));
  const w = Math.max(1, Math.min(img.width, Math.ceil(s.x + s.w)) - x0);
  const h = Math.max(1, Math.min(img.height, Math.ceil(s.y + s.h)) - y0);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4), y * w * 4);
  return { width: w, height: h, data: out, x0: img.x0 + x0 * img.step, y0: img.y0 + y0 * img.step, step: img.step };
}

/** An interlaced or EXIF-oriented PNG: decoded whole (./png-decode.ts) and turned upright, within the memory budget. */
function openPngWhole(
  bytes: Uint8Array,
  stored: { width: number; height: number },
  limits: SourceLimits,
  orientation: number,
): ImageSource {
  let rgba: Uint8Array | null = null;
  // What decoding the whole PNG holds at its peak (./png.ts), from IHDR: depth, colour type, interlace;
  // turning it upright holds a second RGBA copy. (An invalid colour type counts 0 here: the decoder refuses it with a 400.)
  const need =
    pngDecodeBytes({ width: stored.width, height: stored.height, depth: bytes[24], ctype: bytes[25], interlace: bytes[28] }) +
    (orientation !== 1 ? stored.width * stored.height * 4 : 0);
  const decodeNeed = Number.isFinite(need) ? need : 0;
  const swap = orientation >= 5;
  const size = { width: swap ? stored.height : stored.width, height: swap ? stored.width : stored.height };
  const source: ImageSource = {
    format: 'png',
    width: size.width,
    height: size.height,
    layout: 'png',
    damaged: false,
    bytesFor: (req) => {
      const r = req.region ?? { x: 0, y: 0, w: size.width, h: size.height };
      const out = Math.ceil(r.w / req.denominator + 1) * Math.ceil(r.h / req.denominator + 1) * (req.format === 'gray' ? 1 : 4);
      return (rgba ? rgba.length : decodeNeed) + out;
    },
    read(req) {
      checkBudget(source.bytesFor(req), limits, source);
      rgba ??= orient({ ...decodePngRgba(bytes, limits.maxDecodeBytes / 2 ** 20) }, orientation).data;
      return boxAverage(rgba, 4, size.width, size.height, req);
    },
  };
  return source;
}

function checkBudget(need: number, limits: SourceLimits, s: ImageSource): void {
  if (need > limits.maxDecodeBytes) {
    throw new ImageError(
      'too_large',
      `Decoding this ${s.width}x${s.height} ${s.format.toUpperCase()} needs about ${Math.ceil(need / 2 ** 20)} MB, over the limit of ${Math.floor(limits.maxDecodeBytes / 2 ** 20)} MB.`,
    );
  }
}

/** A region of decoded pixels (RGBA, or gray for a gray request), box-averaged by the denominator (d = 1 copies). */
function boxAverage(src: Uint8Array, channels: 1 | 4, W: number, H: number, req: ReadRequest): ScaledImage {
  const d = req.denominator;
  const r = req.region ?? { x: 0, y: 0, w: W, h: H };
  const ox0 = Math.floor(Math.max(0, r.x) / d);
  const oy0 = Math.floor(Math.max(0, r.y) / d);
  const ox1 = Math.max(ox0 + 1, Math.ceil(Math.min(W, r.x + r.w) / d));
  const oy1 = Math.max(oy0 + 1, Math.ceil(Math.min(H, r.y + r.h) / d));
  const ow = ox1 - ox0;
  const oh = oy1 - oy0;
  const gray = req.format === 'gray';
  const out = new Uint8Array(ow * oh * (gray ? 1 : 4));
  if (d === 1) return { width: ow, height: oh, data: copyRegion(src, channels, W, ox0, oy0, ow, oh, gray, out), x0: ox0, y0: oy0, step: d };
  const acc = new Float64Array(4);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      acc.fill(0);
      let n = 0;
      const ys = (oy0 + oy) * d;
      const xs = (ox0 + ox) * d;
      for (let y = ys; y < Math.min(H, ys + d); y++) {
        for (let x = xs; x < Math.min(W, xs + d); x++) {
          const p = (y * W + x) * channels;
          for (let c = 0; c < channels; c++) acc[c] += src[p + c];
          n++;
        }
      }
      const o = oy * ow + ox;
      if (channels === 1) {
        out[o] = Math.round(acc[0] / n);
        continue;
      }
      const [r, g, b, a] = [0, 1, 2, 3].map((c) => Math.round(acc[c] / n));
      if (gray) out[o] = luma(r, g, b, a);
      else out.set([r, g, b, a], o * 4);
    }
  }
  return { width: ow, height: oh, data: out, x0: ox0 * d, y0: oy0 * d, step: d };
}

/** boxAverage at scale 1 (a full-size crop, the hot case of a PNG's faces): rows copied, or each pixel's luma. */
function copyRegion(
  src: Uint8Array,
  channels: 1 | 4,
  W: number,
  x0: number,
  y0: number,
  ow: number,
  oh: number,
  gray: boolean,
  out: Uint8Array,
): Uint8Array {
  for (let y = 0; y < oh; y++) {
    const from = ((y0 + y) * W + x0) * channels;
    if (channels === 1 || !gray) out.set(src.subarray(from, from + ow * channels), y * ow * channels);
    else for (let x = 0, p = from; x < ow; x++, p += 4) out[y * ow + x] = luma(src[p], src[p + 1], src[p + 2], src[p + 3]);
  }
  return out;
}

/** Upright box -> the stored (pre-EXIF) box holding the same pixels; W, H are the stored size. */
export function storedBox(b: Box, orientation: number, W: number, H: number): Box {
  const { x, y, w, h } = b;
  switch (orientation) {
    case 2:
      return { x: W - x - w, y, w, h };
    case 3:
      return { x: W - x - w, y: H - y - h, w, h };
    case 4:
      return { x, y: H - y - h, w, h };
    case 5:
      return { x: y, y: x, w: h, h: w };
    case 6:
      return { x: y, y: H - x - w, w: h, h: w };
    case 7:
      return { x: W - y - h, y: H - x - w, w: h, h: w };
    case 8:
      return { x: W - y - h, y: x, w: h, h: w };
    default:
      return b;
  }
}

/** Upright top-left corner of a stored rectangle (the inverse of storedBox). */
function uprightCorner(x: number, y: number, w: number, h: number, orientation: number, W: number, H: number): { x: number; y: number } {
  switch (orientation) {
    case 2:
      return { x: W - x - w, y };
    case 3:
      return { x: W - x - w, y: H - y - h };
    case 4:
      return { x, y: H - y - h };
    case 5:
      return { x: y, y: x };
    case 6:
      return { x: H - y - h, y: x };
    case 7:
      return { x: H - y - h, y: W - x - w };
    case 8:
      return { x: y, y: W - x - w };
    default:
      return { x, y };
  }
}

/**
 * Pixels already decoded (a camera frame's RGBA, upright) as an ImageSource, so they go through
 * the same detection and crops as an upload; reads are box-averaged like a decoded PNG's.
 */
export function rgbaSource(rgba: Uint8Array, width: number, height: number): ImageSource {
  if (rgba.length !== width * height * 4)
    throw new ImageError('corrupt_image', `Expected ${width * height * 4} bytes of RGBA, got ${rgba.length}.`);
  return {
    format: 'png',
    width,
    height,
    layout: 'png',
    damaged: false,
    bytesFor: (req) => {
      const r = req.region ?? { x: 0, y: 0, w: width, h: height };
      return Math.ceil(r.w / req.denominator + 1) * Math.ceil(r.h / req.denominator + 1) * (req.format === 'gray' ? 1 : 4);
    },
    read: (req) => boxAverage(rgba, 4, width, height, req),
  };
}
