/**
 * The square crop around a detected face that the classifier read before the aligned crop
 * (../src/faces/align.ts) replaced it: kept for the measurements that compare against it
 * (training's evaluate --crop square, tools/blazeface's measure:crop) and the tests' references.
 */
import type { Box } from '../src/box.ts';

/**
 * Enlargement of the detector's box (about forehead to chin, ear to ear) to frame the face the way
 * FER2013 crops do. Measured on the 7 labelled photos and 40 tight crops in ../shared/photos with
 * four checkpoints of the emotion model (tools/blazeface: npm run measure:crop, README there): the
 * labelled photos do best from 0.9 to 1.1 and lose from 1.2 on (the surprised face turns happy),
 * while the tight crops gain confidence with more margin. 1.1 is the largest factor within one
 * photo of the best on every checkpoint, with some margin around brows and chin, as in FER2013.
 */
export const DEFAULT_CROP_FACTOR = 1.1;

/**
 * A square of side factor * max(w, h) centred on the box, moved inside the image where it fits and
 * clipped to it where it does not (the image is then smaller than the square): it never asks for
 * pixels the photo does not have. Whole pixels.
 */
export function faceCrop(box: Box, image: { width: number; height: number }, factor = DEFAULT_CROP_FACTOR): Box {
  const side = Math.max(1, Math.round(Math.max(box.w, box.h) * factor));
  const place = (centre: number, extent: number) => {
    if (side >= extent) return { start: 0, size: extent };
    const start = Math.round(centre - side / 2);
    return { start: Math.min(Math.max(0, start), extent - side), size: side };
  };
  const h = place(box.x + box.w / 2, image.width);
  const v = place(box.y + box.h / 2, image.height);
  return { x: h.start, y: v.start, w: h.size, h: v.size };
}
