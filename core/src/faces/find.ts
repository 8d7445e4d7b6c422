/**
 * Every face of an opened image (../image-source.ts), decoding no more than detection needs, and
 * each face's crop decoded at the scale its size needs. The rule, in full-size pixels of the
 * longest side L:
 *
 * - Detection reads the whole image once, at the smallest JPEG scale (1/8, 1/4, 1/2, 1) that
 *   keeps L at least DETECTION_MIN_SIDE (480 when tiles run, else 256, the letterbox's side).
 * - The whole image, letterboxed, finds faces down to about L / 12 (BlazeFace fires on faces of
 *   8-10 px of its 256 px input when they are alone on a flat canvas, measured with the
 *   ../shared/photos faces; in a photo, from about 20). Above TILE_ABOVE_SIDE the detector also
 *   runs on overlapping square tiles of side L / 2 cut from the same decoded image, which finds
 *   faces down to about L / 25 (all 16 faces of 144-318 px of a 4032 px group photo:
 *   worker/test/large-photos.test.ts). Tile detections that touch a tile's inner edge are dropped (the
 *   neighbouring tile holds that face whole: tiles overlap by more than the whole-image pass's
 *   smallest face), and all of them are merged with the whole-image pass by the same weighted NMS;
 *   the whole-image pass's faces small enough for a tile to hold whole count only where a tile found
 *   them too (alone, they were false faces between two small ones).
 *   Tiles are skipped when the whole-image pass found a close-up face (CLOSE_UP_FACE).
 * - Each face's crop (aligned by its eyes and mouth, ./align.ts) is read at the smallest scale
 *   that keeps it at least CROP_MIN_SIDE (144 px, 3x the model's 48), from the detection image
 *   when that is fine enough, else decoded anew from its own region (a streamed JPEG resumes at
 *   the region's first MCU row).
 */

import type { Box } from '../box.ts';
import { INPUT_SIZE } from '../classes.ts';
import { cropScaled, denominatorFor, type ImageSource, type ScaledImage, toScaled } from '../image-source.ts';
import { cropResize, normalizePixels, rgbaToGray } from '../pixels.ts';
import { alignedCrop, alignedSourceBox, alignmentTransform } from './align.ts';
import type { Candidate, DetectedFace, FaceDetector, Keypoints } from './detector.ts';
import { DETECTOR_SIZE } from './model.ts';
import { facesFromCandidates, iou } from './nms.ts';

export interface DetectionOptions {
  /** Faces scoring below this are dropped. */
  scoreThreshold: number;
  /** Overlapping detections above this IoU are merged into one face. */
  iouThreshold: number;
  /** At most this many faces, the largest ones. */
  maxFaces: number;
  /** A face with more than this fraction of its box inside a better-scoring face is dropped (1: never). */
  maxContained: number;
}

/**
 * Measured on ../shared/photos (tools/blazeface: npm run measure; README there): real faces score
 * 0.69-0.95 on the 12 full photos and 0.57-0.95 on the 40 tight crops, every other box at most
 * 0.48, so every threshold from 0.49 to 0.56 counts all of them right. 0.5 is also MediaPipe's own
 * setting for this model, as is the IoU of 0.3. maxContained 0.5 removes the part-of-a-face boxes
 * the model adds on crops where the face fills the frame (19 of 40 crops at threshold 0.4).
 */
export const DEFAULT_DETECTION_OPTIONS: DetectionOptions = { scoreThreshold: 0.5, iouThreshold: 0.3, maxFaces: 20, maxContained: 0.5 };

/**
 * Images with a longer side than this are also searched in tiles. Each tile costs a detector run
 * (about 31 ms in workerd): a 1366x768 web photo with 7 runs took 339 ms instead of about 120,
 * and its faces (96-110 px) are all found by the whole-image pass, as faces down to about L / 12
 * are. Above 1600 px, faces that small relative to the photo are large enough to classify.
 */
export const TILE_ABOVE_SIDE = 1600;
/** Tile side as a fraction of the longest side, and the overlap of neighbouring tiles (same unit). */
export const TILE_FRACTION = 1 / 2;
export const TILE_OVERLAP = 1 / 8;
/**
 * A face this large (its box side over the longest side) makes the photo a close-up: tiles are
 * not searched (a selfie's request then costs one detector run, not seven). Faces far behind a
 * close-up subject may be missed; a group photo's faces are all smaller than this.
 */
export const CLOSE_UP_FACE = 1 / 6;
/**
 * Smallest longest side of the detection image: 480 px when tiles run (each tile of half the
 * longest side then reaches the detector at 240 px or more: it is enlarged by at most 7%), else the
 * letterbox's 256. A 4032 px phone photo is read at 1/8 (504 px), where decoding costs least.
 */
export const DETECTION_MIN_SIDE = { tiled: 480, whole: DETECTOR_SIZE } as const;
/**
 * Smallest side of a crop as read for the classifier: 3x its input. The aligned crop samples a
 * rotated grid, a tent filter of about one source pixel, so a crop read coarser is blurred more
 * than the full-size decode's: on the 76 faces of the local photos, the input read at 2-3x moved
 * scores by up to 0.043 from the full decode's, at 3-4x by up to 0.011, from 4x by up to 0.010
 * (worker/test/shrink-on-load.test.ts holds every face within 0.02). 3x rather than 4x lets a
 * 12 MP selfie's face of 1152 px or more be cut from the 1/8 detection image, with no second decode.
 */
export const CROP_MIN_SIDE = 3 * INPUT_SIZE;

export interface FoundFaces {
  faces: DetectedFace[];
  /** The image detection read (RGBA), reused for crops that need no finer scale. */
  detectionImage: ScaledImage;
  /** Detector runs: 1 for the whole image plus the tiles. */
  runs: number;
}

/** Square tiles (upright full-size pixels) covering the image, side TILE_FRACTION of the longest side. */
export function detectionTiles(width: number, height: number): Box[] {
  const L = Math.max(width, height);
  if (L <= TILE_ABOVE_SIDE) return [];
  const side = Math.round(L * TILE_FRACTION);
  const stride = Math.round(L * (TILE_FRACTION - TILE_OVERLAP));
  const starts = (extent: number) => {
    if (extent <= side) return [0];
    const n = Math.ceil((extent - side) / stride) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (extent - side)) / (n - 1)));
  };
  const tiles: Box[] = [];
  for (const y of starts(height)) for (const x of starts(width)) tiles.push({ x, y, w: Math.min(side, width), h: Math.min(side, height) });
  return tiles;
}

/** The whole image as detection reads it (RGBA, at the scale the rule above picks). */
export function readDetectionImage(source: ImageSource): ScaledImage {
  const tiled = detectionTiles(source.width, source.height).length > 0;
  const d = denominatorFor(Math.max(source.width, source.height), tiled ? DETECTION_MIN_SIDE.tiled : DETECTION_MIN_SIDE.whole);
  return source.read({ denominator: d, format: 'rgba' });
}

export async function findFaces(
  source: ImageSource,
  detector: FaceDetector,
  options: Partial<DetectionOptions> = {},
  img: ScaledImage = readDetectionImage(source),
): Promise<FoundFaces> {
  const opts = { ...DEFAULT_DETECTION_OPTIONS, ...options };
  const { width: W, height: H } = source;
  const tiles = detectionTiles(W, H);
  const full = { width: W, height: H };

  const run = (region?: Box) => detector.detect(img, { minScore: opts.scoreThreshold, region });
  const candidates = await run();
  const L = Math.max(W, H);
  const closeUp = facesFromCandidates(candidates, full, opts).some((f) => Math.max(f.box.w, f.box.h) >= L * CLOSE_UP_FACE);
  const searched = closeUp ? [] : tiles;
  const found: Candidate[] = [];
  for (const tile of searched) {
    const inner = { left: tile.x > 0, top: tile.y > 0, right: tile.x + tile.w < W, bottom: tile.y + tile.h < H };
    const margin = 2 * img.step;
    for (const c of await run(tile)) {
      const b = c.box;
      const touches =
        (inner.left && b.x <= tile.x + margin) ||
        (inner.top && b.y <= tile.y + margin) ||
        (inner.right && b.x + b.w >= tile.x + tile.w - margin) ||
        (inner.bottom && b.y + b.h >= tile.y + tile.h - margin);
      if (!touches) found.push(c);
    }
  }
  // A face that some tile holds whole is seen by that tile at twice the whole-image pass's
  // resolution. Found by the whole-image pass alone, it is most likely a false face at the
  // detector's smallest size (one spanning two small faces of a group photo): keep it only if a
  // tile found it too.
  const tileHolds = L * TILE_OVERLAP;
  const whole = searched.length
    ? candidates.filter((c) => Math.max(c.box.w, c.box.h) >= tileHolds || found.some((t) => iou(t.box, c.box) > opts.iouThreshold))
    : candidates;
  return { faces: facesFromCandidates([...whole, ...found], full, opts), detectionImage: img, runs: 1 + searched.length };
}

/**
 * The gray pixels a crop is resized from: the detection image's when its scale is fine enough for
 * this crop, else the crop's region decoded at the scale its size needs.
 */
export function cropSource(source: ImageSource, crop: Box, detectionImage?: ScaledImage, side = Math.min(crop.w, crop.h)): ScaledImage {
  const d = denominatorFor(side, CROP_MIN_SIDE);
  if (detectionImage && detectionImage.step <= d) return grayRegion(detectionImage, crop);
  return source.read({ denominator: d, region: crop, format: 'gray' });
}

/** A crop's model input: its pixels at the scale cropSource picks, area-averaged to 48x48 and normalized. */
export function cropInput(source: ImageSource, crop: Box, detectionImage?: ScaledImage): Float32Array {
  const img = cropSource(source, crop, detectionImage);
  return normalizePixels(cropResize(img, toScaled(crop, img)));
}

/**
 * A detected face's model input, aligned as FER2013's faces are (./align.ts: eyes level, framed by
 * eyes and mouth), from its source pixels at the scale its size needs; and the box of source
 * pixels it reads (the answer's `crop`); `side`: the source pixels the 48 px input's side spans.
 */
export function alignedInput(
  source: ImageSource,
  keypoints: Keypoints,
  detectionImage?: ScaledImage,
): { input: Float32Array; crop: Box; side: number } {
  const t = alignmentTransform(keypoints);
  const crop = alignedSourceBox(t, source) ?? { x: 0, y: 0, w: source.width, h: source.height };
  const img = cropSource(source, crop, detectionImage, t.scale * INPUT_SIZE);
  return { input: normalizePixels(alignedCrop(img, t, { x: img.x0, y: img.y0, scale: img.step })), crop, side: t.scale * INPUT_SIZE };
}

/** The gray pixels of an RGBA ScaledImage within a box (upright full-size pixels), BT.601 over white as everywhere. */
function grayRegion(img: ScaledImage, box: Box): ScaledImage {
  const part = cropScaled(img, box);
  return { ...part, data: rgbaToGray(part.data, part.width, part.height).data };
}
