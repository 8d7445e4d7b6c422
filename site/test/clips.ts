/**
 * Video clips made with Debian's ffmpeg from the shared photos, for the video tests and the bench:
 * 640x360 WebM (VP8, which every Chromium decodes) with face crops laid over a gray background.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PHOTOS } from './paths.ts';

/** A square crop of a shared photo around its face (x, y, side), scaled to FACE_SIDE. */
const CROPS = {
  happy: { file: 'happy.jpg', crop: '260:260:202:22' },
  surprised: { file: 'surprised.jpg', crop: '320:320:97:13' },
  disgusted: { file: 'disgusted.jpg', crop: '260:260:181:64' },
} as const;
export type ClipFace = keyof typeof CROPS;
export const FACE_SIDE = 170;

export interface PlacedFace {
  face: ClipFace;
  /** ffmpeg expressions in t (seconds): where the crop's top-left corner is. */
  x: string;
  y: string;
  /** Shown for t in [from, until). */
  from?: number;
  until?: number;
}

export function makeClip(out: string, seconds: number, faces: readonly PlacedFace[], fps = 25): string {
  const inputs = faces.flatMap((f) => ['-loop', '1', '-i', join(PHOTOS, CROPS[f.face].file)]);
  const scaled = faces.map((f, i) => `[${i + 1}]crop=${CROPS[f.face].crop},scale=${FACE_SIDE}:${FACE_SIDE}[f${i}]`);
  const laid = faces.map((f, i) => {
    const when = [f.from !== undefined && `gte(t,${f.from})`, f.until !== undefined && `lt(t,${f.until})`].filter(Boolean).join('*');
    return `[${i ? `v${i - 1}` : '0'}][f${i}]overlay=x='${f.x}':y='${f.y}'${when ? `:enable='${when}'` : ''}:shortest=1[v${i}]`;
  });
  execFileSync('ffmpeg', [
    ...['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=0x808080:s=640x360:d=${seconds}:r=${fps}`],
    ...inputs,
    ...['-filter_complex', [...scaled, ...laid].join(';'), '-map', `[v${faces.length - 1}]`],
    ...['-t', String(seconds), '-r', String(fps), '-c:v', 'libvpx', '-b:v', '1200k', '-an', out],
  ]);
  return out;
}

/** Left: happy, then surprised from `changeAt` s; right: a disgusted face moving right at 20 px/s. */
export const twoFacesClip = (out: string, seconds: number, changeAt: number): string =>
  makeClip(out, seconds, [
    { face: 'happy', x: '50', y: '95', until: changeAt },
    { face: 'surprised', x: '50', y: '95', from: changeAt },
    { face: 'disgusted', x: '340+20*t', y: '95' },
  ]);
