/**
 * POST /classify's parameters as one object, by their wire names (`max_faces`, not `maxFaces`), so
 * the API reference reads the same for the analyzers, the client and the command line. Their types
 * are the contract's schema (@emotion/core/api params.ts); the analyzers check them with the
 * worker's own reading (core's readParams), through the same query string the client sends
 * (../analyzer.ts): a bad value is the same `bad_parameter` or `bad_box` error, worded the same.
 */
import type { ClassifyOptions } from '@emotion/core/api/params';
import type { Box } from '@emotion/core/api/response';

export type { ClassifyOptions };

const boxText = (b: Box) => `${b.x},${b.y},${b.w},${b.h}`;

/** One option as its query text: a flag or a number as JavaScript spells it (the API reads any JSON number), a box as x,y,w,h. */
function wireText(value: NonNullable<ClassifyOptions[keyof ClassifyOptions]>): string {
  if (Array.isArray(value)) return value.map(boxText).join(';');
  return typeof value === 'object' ? boxText(value as Box) : String(value);
}

/** The options as POST /classify's query string. */
export function toQuery(options: ClassifyOptions = {}): URLSearchParams {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) if (value !== undefined) q.set(name, wireText(value));
  return q;
}
