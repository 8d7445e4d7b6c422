/** A region of an image, and the check of one a caller gave. */
import { ImageError } from './errors.ts';

/** A region in pixels of the upright (EXIF-oriented) image. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Checks a caller's box against the upright image; throws ImageError('bad_box'). */
export function checkBox(box: Box, img: { width: number; height: number }): Box {
  const vals = [box.x, box.y, box.w, box.h];
  if (!vals.every(Number.isFinite)) throw new ImageError('bad_box', 'box must be four finite numbers x,y,w,h.');
  if (box.w < 1 || box.h < 1) throw new ImageError('bad_box', 'box width and height must be at least 1 pixel.');
  if (box.x < 0 || box.y < 0 || box.x + box.w > img.width || box.y + box.h > img.height) {
    throw new ImageError('bad_box', `box ${vals.join(',')} lies outside the ${img.width}x${img.height} image.`);
  }
  return box;
}
