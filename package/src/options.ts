/**
 * POST /classify's parameters as one object, by their wire names (`max_faces`, not `maxFaces`), so
 * the API reference reads the same for the analyzers, the client and the command line. The
 * analyzers check them with the worker's own parsers (core's api), through the same query string
 * the client sends (../analyzer.ts): a bad value is the same `bad_parameter` or `bad_box` error,
 * worded the same.
 */
import { BOX_PARAMS, CLASSIFY_PARAMS } from '@emotion/core/api/params';
import type { Box } from '@emotion/core/api/response';

export interface ClassifyOptions {
  /** Find faces (default true); false classifies the whole image. */
  detect?: boolean;
  /** At most this many faces, the largest (1-100, default 50). */
  max_faces?: number;
  /** Average each crop's scores with its mirror image's (default true). */
  tta?: boolean;
  /** Drop detected faces scoring below this (0-1, default 0.5). */
  min_detection_score?: number;
  /** Drop detected faces smaller than this on the box's longer side, in pixels (default 0). */
  min_face_size?: number;
  /** Classify this region (pixels of the EXIF-oriented image); no detection. */
  box?: Box;
  /** Classify each of these regions (at most 100); no detection. Not together with `box`. */
  boxes?: readonly Box[];
}

const boxText = (b: Box) => `${b.x},${b.y},${b.w},${b.h}`;

/** The options as POST /classify's query string. */
export function toQuery(options: ClassifyOptions = {}): URLSearchParams {
  const q = new URLSearchParams();
  const p = CLASSIFY_PARAMS;
  if (options.detect !== undefined) q.set(p.detect.name, String(options.detect));
  if (options.max_faces !== undefined) q.set(p.maxFaces.name, String(options.max_faces));
  if (options.tta !== undefined) q.set(p.tta.name, String(options.tta));
  if (options.min_detection_score !== undefined) q.set(p.minDetectionScore.name, String(options.min_detection_score));
  if (options.min_face_size !== undefined) q.set(p.minFaceSize.name, String(options.min_face_size));
  if (options.box) q.set(BOX_PARAMS.box.name, boxText(options.box));
  if (options.boxes) q.set(BOX_PARAMS.boxes.name, options.boxes.map(boxText).join(';'));
  return q;
}
