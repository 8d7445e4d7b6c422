/** What the command line's main thread and its analysis threads (./job.ts) say to each other. */
import type { ClassifyResponse } from '@emotion/core/api';
import type { ClassifyOptions } from '../options.ts';

export type JobRequest =
  | { id: number; kind: 'file'; path: string; options: ClassifyOptions }
  | { id: number; kind: 'pixels'; data: Uint8Array; width: number; height: number; options: ClassifyOptions };

/** A failure as the output shows it: the API's code (or the command line's own: unreadable_file, ffmpeg_missing, video_failed) and a message. */
export interface FailureInfo {
  code: string;
  message: string;
}

export type JobReply = { id: number; ok: true; answer: ClassifyResponse } | { id: number; ok: false; error: FailureInfo };

/** Anything thrown, as an output line's error. */
export function failureOf(err: unknown): FailureInfo {
  const e = err as { code?: unknown; message?: unknown; name?: string; syscall?: string };
  if (e?.name === 'EmotionEdgeError' && typeof e.code === 'string') return { code: e.code, message: String(e.message) };
  if (e?.syscall && typeof e.code === 'string') return { code: 'unreadable_file', message: String(e.message) };
  return { code: 'internal_error', message: String(e?.message ?? err) };
}
