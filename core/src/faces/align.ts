/**
 * FER2013-matched face alignment: the classifier's 48x48 crop rotated so the eyes are level and
 * framed by the eyes and mouth where FER2013's own faces have them. Pure functions, no runtime
 * dependencies (shared by the worker, `evaluate --photos` and the site's on-device path).
 *
 *   const t = alignmentTransform(face.keypoints);       // keypoints in the full image's pixels
 *   const luma = alignedCrop(gray, t);                   // Float32Array(48*48), 0-255, like cropResize
 *   normalizePixels(luma);                               // then the model input
 *
 * A caller that decodes only the region the crop reads, at 1/k scale (./find.ts: alignedInput):
 *
 *   const box = alignedSourceBox(t, source);             // full-image pixels, clipped to the image
 *   const part = source.read({ denominator: k, region: box, format: 'gray' });
 *   const luma = alignedCrop(part, t, { x: part.x0, y: part.y0, scale: part.step });
 *
 * Sampling: each output pixel's footprint in the source is a square of side s (the transform's
 * scale, source pixels per output pixel), rotated. When shrinking (s > 1) it is averaged over an
 * n x n grid of bilinear taps at the centres of the footprint's n x n sub-squares, n = ceil(s)
 * (at most ALIGN_MAX_SUPERSAMPLE): taps about 1 source pixel apart, each a bilinear tent, cover the
 * footprint without gaps, which is area averaging for any angle; for an unrotated integer scale the
 * taps land on pixel centres and the result is exactly cropResize's. This was chosen over a
 * footprint-weighted pixel sum because it handles rotation with one code path and its cost is
 * bounded (48*48*n^2 taps). When enlarging (s <= 1), n = 1: plain bilinear, as cropResize does.
 * Source coordinates outside the image repeat its edge pixels (as cropResize's clamped taps do).
 */

import type { Box } from '../box.ts';
import { INPUT_SIZE } from '../classes.ts';
import type { GrayImage } from '../pixels.ts';
import type { Keypoints, Point } from './detector.ts';

/**
 * Where FER2013 faces have their eyes and mouth, in the 48x48 frame (pixel edges at 0..48, so the
 * frame centre is 24), as BlazeFace's keypoints place them: measured on FER2013 training images
 * (tools/blazeface: npm run measure:align, README there). 3000 evenly spaced training images
 * (every 9.6th, all classes), each enlarged 48 -> 192 px and centred in a larger canvas so the face
 * does not touch the border; two canvases, and the constants are the mean of their medians:
 *
 *   canvas                      detected        eye centre x, y   eye distance   eye-mouth (p25-p75)
 *   512 px, edge repeated       2937 (97.9 %)   23.84, 19.18      16.57          17.93 (15.66-19.73)
 *   384 px, flat gray 128       2929 (97.6 %)   23.90, 18.85      17.31          18.75 (16.73-20.51)
 *
 * x is set to the frame centre (24): the medians are within 0.16 px of it and training flips faces.
 * FER2013's own framing is loose: scale spread (IQR) about +-11 % (eye distance and eye-mouth alike,
 * their ratio 1.09-1.10 with +-4 %), roll -6..+4.5 degrees (median -0.7), eye height +-1.3 px; the two
 * canvases differ by 4.5 % in scale (the detector's keypoints move a little with the face's size).
 * By class the medians agree within 0.5 px, except disgust (45 faces): eye-mouth about 2 px more.
 */
export const ALIGN_EYE_CENTRE: Readonly<Point> = { x: 24, y: 19.0 };
/** Eye centre to mouth centre distance in the 48x48 frame (FER2013 median, see ALIGN_EYE_CENTRE). */
export const ALIGN_EYE_MOUTH = 18.3;
/** Distance between the two eyes in the 48x48 frame (FER2013 median; for the 'eyes' and 'both' scale cues). */
export const ALIGN_EYE_DISTANCE = 16.9;

/** The keypoints alignment reads. */
export type AlignKeypoints = Pick<Keypoints, 'right_eye' | 'left_eye' | 'mouth'>;

/** At most this many taps per axis per output pixel (a 16x reduction; decode larger faces at a reduced scale). */
export const ALIGN_MAX_SUPERSAMPLE = 16;

/** Which distance sets the crop's scale. */
export type AlignScaleCue = 'eye-mouth' | 'eyes' | 'both';

export interface AlignFraming {
  /** Target eye centre in the output frame. */
  eyeCentre: Point;
  /** Target eye-centre-to-mouth distance in output pixels. */
  eyeMouth: number;
  /** Target eye distance in output pixels. */
  eyeDistance: number;
  /** 'eye-mouth' (default), 'eyes', or 'both' (the mean of the two scales). */
  scaleBy: AlignScaleCue;
  /** Output side (48). */
  size: number;
}

/** The FER2013 fit itself (zoom 1): the ALIGN_* constants above. */
export const FER2013_FRAMING: Readonly<AlignFraming> = {
  eyeCentre: ALIGN_EYE_CENTRE,
  eyeMouth: ALIGN_EYE_MOUTH,
  eyeDistance: ALIGN_EYE_DISTANCE,
  scaleBy: 'eye-mouth',
  size: INPUT_SIZE,
};

/**
 * The face zoomed 1.1x about the frame centre from the FER2013 fit (eye centre (24, 18.5),
 * eye-mouth 20.1 px): the detector's box then spans about 44 px of the 48, as with the square
 * 1.1x crop, while FER2013's own faces have it at 39-41 px. Chosen on the labelled photos with the
 * committed model and flip TTA (training: npm run evaluate -- --photos DIR --crop aligned --zoom
 * 0.9,0.95,1,1.05,1.1,1.15,1.2, tools/blazeface/README.md). Mean p(true class) by zoom, all labelled
 * photos: ../shared/photos-dev (33) 0.527, 0.548, 0.576, 0.575, 0.580, 0.584, 0.565 (clear ones:
 * 0.602, 0.616, 0.653, 0.660, 0.673, 0.673, 0.660); ../shared/photos (7) 0.619, 0.663, 0.682, 0.726,
 * 0.744, 0.739, 0.720. Both rise from 0.9 to a plateau at 1.05-1.15 (a small gain over zoom 1 on
 * photos-dev, a larger one on photos); 1.1 is its middle, not a precise optimum. Top-1 at 1.1: 16/21
 * clear and 24/33 on photos-dev (zoom 1: 15/21, 22/33; the square 1.1x box: 16/21, 22/33), 6/7 on
 * photos (all three 6/7).
 */
export const ALIGN_ZOOM = 1.1;

/** The default framing: FER2013_FRAMING zoomed by ALIGN_ZOOM. */
export const DEFAULT_ALIGN_FRAMING: Readonly<AlignFraming> = zoomFraming(ALIGN_ZOOM, 0, 0, FER2013_FRAMING);

/**
 * The framing zoomed by `zoom` about the frame centre (1.1: the face 10% larger), optionally
 * shifted by (dx, dy) output pixels (the face moves by that much in the crop). Default base: the
 * FER2013 fit, so zoomFraming(ALIGN_ZOOM) is DEFAULT_ALIGN_FRAMING.
 */
export function zoomFraming(zoom: number, dx = 0, dy = 0, base: Readonly<AlignFraming> = FER2013_FRAMING): AlignFraming {
  const c = base.size / 2;
  return {
    ...base,
    eyeCentre: { x: c + (base.eyeCentre.x - c) * zoom + dx, y: c + (base.eyeCentre.y - c) * zoom + dy },
    eyeMouth: base.eyeMouth * zoom,
    eyeDistance: base.eyeDistance * zoom,
  };
}

/**
 * A similarity transform from output pixels to source pixels (continuous coordinates: pixel i
 * covers [i, i+1]): source x = a*u - b*v + tx, y = b*u + a*v + ty for output (u, v).
 * `scale` = hypot(a, b) source pixels per output pixel; `angle` the face's roll in radians.
 */
export interface AlignTransform {
  a: number;
  b: number;
  tx: number;
  ty: number;
  /** Output side (48). */
  size: number;
  /** Source pixels per output pixel. */
  scale: number;
  /** Angle of the eye line in the source, radians (positive: the subject's left eye lower, y down). */
  angle: number;
}

/**
 * The transform that puts the subject's eyes and mouth centre where the framing wants them, from the
 * detector's keypoints of those names, in the pixels of the image the crop will be taken from.
 */
export function alignmentTransform(keypoints: AlignKeypoints, framing: Readonly<AlignFraming> = DEFAULT_ALIGN_FRAMING): AlignTransform {
  const { right_eye: re, left_eye: le, mouth } = keypoints;
  const ex = (re.x + le.x) / 2;
  const ey = (re.y + le.y) / 2;
  // Subject's right eye is on the image's left: the eye line runs from re to le.
  const angle = Math.atan2(le.y - re.y, le.x - re.x);
  const eyes = Math.hypot(le.x - re.x, le.y - re.y);
  const eyeMouth = Math.hypot(mouth.x - ex, mouth.y - ey);
  const byMouth = eyeMouth / framing.eyeMouth;
  const byEyes = eyes / framing.eyeDistance;
  let scale = framing.scaleBy === 'eyes' ? byEyes : framing.scaleBy === 'both' ? (byMouth + byEyes) / 2 : byMouth;
  if (!(scale > 0) || !Number.isFinite(scale)) scale = Math.max(byMouth, byEyes, 1e-3);
  const a = scale * Math.cos(angle);
  const b = scale * Math.sin(angle);
  const { x: u, y: v } = framing.eyeCentre;
  return { a, b, tx: ex - (a * u - b * v), ty: ey - (b * u + a * v), size: framing.size, scale, angle };
}

/** Source point (continuous pixels) of output point (u, v). */
export function alignSourcePoint(t: AlignTransform, u: number, v: number): Point {
  return { x: t.a * u - t.b * v + t.tx, y: t.b * u + t.a * v + t.ty };
}

/**
 * The axis-aligned box of source pixels the crop reads (whole pixels, with one pixel of margin for
 * the bilinear taps), clipped to `image` when given (pixels outside it repeat its edge, so the
 * clipped box holds everything needed). Null when clipping leaves nothing (the crop then repeats
 * the nearest edge pixels: decode at least a 1x1 box there).
 */
export function alignedSourceBox(t: AlignTransform, image?: { width: number; height: number }): Box | null {
  const s = t.size;
  const corners = [alignSourcePoint(t, 0, 0), alignSourcePoint(t, s, 0), alignSourcePoint(t, 0, s), alignSourcePoint(t, s, s)];
  let x0 = Math.floor(Math.min(...corners.map((p) => p.x))) - 1;
  let y0 = Math.floor(Math.min(...corners.map((p) => p.y))) - 1;
  let x1 = Math.ceil(Math.max(...corners.map((p) => p.x))) + 1;
  let y1 = Math.ceil(Math.max(...corners.map((p) => p.y))) + 1;
  if (image) {
    x0 = Math.max(0, x0);
    y0 = Math.max(0, y0);
    x1 = Math.min(image.width, x1);
    y1 = Math.min(image.height, y1);
    if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Where `img` lies in the full image the transform was computed for: its pixel (i, j) covers
 * full-image [x + i*scale, x + (i+1)*scale] x [y + j*scale, y + (j+1)*scale]. Default: it is
 * the full image ({x: 0, y: 0, scale: 1}). A region decoded at 1/k: {x: box.x, y: box.y, scale: k}.
 */
export interface ImageFrame {
  x: number;
  y: number;
  scale: number;
}

/**
 * The aligned 48x48 luma crop (values 0-255, row-major, as cropResize returns; normalizePixels
 * applies after). See the file's header for the sampling.
 */
export function alignedCrop(img: GrayImage, t: AlignTransform, frame: Readonly<ImageFrame> = { x: 0, y: 0, scale: 1 }): Float32Array {
  const { width: W, height: H, data } = img;
  if (W < 1 || H < 1) throw new Error('alignedCrop: empty image');
  const k = frame.scale;
  // The transform in the given image's own pixels.
  const a = t.a / k;
  const b = t.b / k;
  const tx = (t.tx - frame.x) / k;
  const ty = (t.ty - frame.y) / k;
  const s = Math.hypot(a, b);
  const n = s > 1 ? Math.min(ALIGN_MAX_SUPERSAMPLE, Math.ceil(s - 1e-9)) : 1;
  const size = t.size;
  const out = new Float32Array(size * size);
  const inv = 1 / (n * n);
  const sample = (x: number, y: number) => {
    // Pixel centres are at i + 0.5.
    const fx = x - 0.5;
    const fy = y - 0.5;
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const wx = fx - x0;
    const wy = fy - y0;
    const xa = x0 < 0 ? 0 : x0 >= W ? W - 1 : x0;
    const xb = x0 + 1 < 0 ? 0 : x0 + 1 >= W ? W - 1 : x0 + 1;
    const ya = (y0 < 0 ? 0 : y0 >= H ? H - 1 : y0) * W;
    const yb = (y0 + 1 < 0 ? 0 : y0 + 1 >= H ? H - 1 : y0 + 1) * W;
    const top = data[ya + xa] * (1 - wx) + data[ya + xb] * wx;
    const bot = data[yb + xa] * (1 - wx) + data[yb + xb] * wx;
    return top * (1 - wy) + bot * wy;
  };
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let acc = 0;
      for (let q = 0; q < n; q++) {
        const v = j + (q + 0.5) / n;
        for (let p = 0; p < n; p++) {
          const u = i + (p + 0.5) / n;
          acc += sample(a * u - b * v + tx, b * u + a * v + ty);
        }
      }
      out[j * size + i] = acc * inv;
    }
  }
  return out;
}
