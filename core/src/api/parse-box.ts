/**
 * `box=x,y,w,h` (pixels of the EXIF-oriented image), from the query string or a form field: the
 * worker's requests and the emotion-edge package's options are read by the same parser.
 */
import { checkBox } from '../box.ts';
import { ApiError } from './errors.ts';
import { BOX_PARAMS } from './params.ts';
import type { Box } from './response.ts';

const NUM = String.raw`\s*(\d+(?:\.\d+)?)\s*`;
const BOX_RE = new RegExp(`^${NUM},${NUM},${NUM},${NUM}$`);

export function parseBox(text: string): Box {
  const m = BOX_RE.exec(text);
  if (!m || text.length > 100) {
    throw new ApiError('bad_box', `box must be four non-negative numbers "x,y,w,h" in pixels (got "${text.slice(0, 40)}").`);
  }
  const [x, y, w, h] = m.slice(1).map(Number);
  if (w < 1 || h < 1) throw new ApiError('bad_box', 'box width and height must be at least 1 pixel.');
  return { x, y, w, h };
}

/** The requested box, if any. Given both in the query and in the form, they must agree. */
export function requestedBox(query: string | undefined, form: string | undefined): Box | undefined {
  if (query !== undefined && form !== undefined && query.trim() !== form.trim()) {
    throw new ApiError('bad_box', 'box was given twice (query and form) with different values.');
  }
  const text = query ?? form;
  return text === undefined ? undefined : parseBox(text);
}

/**
 * The requested boxes, `boxes=x,y,w,h;x,y,w,h` (at most BOX_PARAMS.boxes.maxEntries): bring your own detector.
 * Given both in the query and in the form, they must agree.
 */
export function requestedBoxes(query: string | undefined, form: string | undefined): Box[] | undefined {
  if (query !== undefined && form !== undefined && query.trim() !== form.trim()) {
    throw new ApiError('bad_box', 'boxes was given twice (query and form) with different values.');
  }
  const text = query ?? form;
  if (text === undefined) return undefined;
  const entries = text.split(';');
  const max = BOX_PARAMS.boxes.maxEntries;
  if (entries.length > max)
    throw new ApiError('bad_box', `boxes holds ${entries.length} boxes; at most ${max} are classified in one request.`);
  return entries.map((entry, i) => {
    try {
      return parseBox(entry);
    } catch (err) {
      throw err instanceof ApiError ? new ApiError('bad_box', `boxes entry ${i + 1}: ${err.message}`) : err;
    }
  });
}

/** Checks the box against the decoded image; 400 when it leaves the image. */
export function boxWithin(box: Box, img: { width: number; height: number }): Box {
  return checkBox(box, img);
}
