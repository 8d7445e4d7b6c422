/**
 * `box=x,y,w,h` and `boxes=x,y,w,h;...` (pixels of the EXIF-oriented image): reading a text the
 * schema's pattern accepted (./params.ts), and saying what is wrong with one it refused.
 */
import type { Box } from './response.ts';

/** The box a text holds; the schema has checked its syntax. */
export function parseBox(text: string): Box {
  const [x, y, w, h] = text.split(',').map(Number);
  return { x, y, w, h };
}

const show = (text: string) => JSON.stringify(text.slice(0, 40));
const LOOSE_BOX = /^ *\d+(?:\.\d+)? *(?:, *\d+(?:\.\d+)? *){3}$/;

/** Why a `box` text is refused (its length or syntax, or a width or height under 1 pixel). */
export function boxProblem(text: string, maxLength: number): string {
  if (text.length > maxLength) return `box must be at most ${maxLength} characters (got ${text.length}).`;
  if (!LOOSE_BOX.test(text)) return `box must be four non-negative numbers "x,y,w,h" in pixels (got ${show(text)}).`;
  return `box width and height must be at least 1 pixel (got ${show(text)}).`;
}

/** Why a `boxes` text is refused: too many entries, or the first entry that is not a box. */
export function boxesProblem(text: string, maxEntries: number, boxPattern: RegExp, maxLength: number): string {
  const entries = text.split(';');
  if (entries.length > maxEntries) return `boxes holds ${entries.length} boxes; at most ${maxEntries} are classified in one request.`;
  const i = entries.findIndex((e) => e.length > maxLength || !boxPattern.test(e));
  return `boxes entry ${i + 1}: ${boxProblem(entries[i] ?? '', maxLength)}`;
}
