/**
 * A video as frames: ffprobe for its upright size, then ffmpeg samples it at `fps` (autorotated,
 * scaled to at most FRAME_SIDE px, as the site's camera and video views analyze frames) and pipes
 * raw RGBA, one frame at a time. Frame i is at i / fps seconds.
 */
import { spawn } from 'node:child_process';

/** Frames are analyzed at most this wide or high: BlazeFace reads 256 px and a face crop needs about 200 (the site's ANALYZE_SIDE). */
export const FRAME_SIDE = 640;

export class VideoError extends Error {
  constructor(
    readonly code: 'ffmpeg_missing' | 'video_failed',
    message: string,
  ) {
    super(message);
    this.name = 'VideoError';
  }
}

export const FFMPEG_MISSING =
  'ffmpeg was not found on PATH: videos are read with ffmpeg (and ffprobe). Install it (apt-get install ffmpeg, brew install ffmpeg, or https://ffmpeg.org) or set FFMPEG and FFPROBE; photos need nothing else.';

const FFMPEG = () => process.env.FFMPEG ?? 'ffmpeg';
const FFPROBE = () => process.env.FFPROBE ?? 'ffprobe';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new VideoError('ffmpeg_missing', FFMPEG_MISSING) : e));
    p.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new VideoError('video_failed', `${cmd} failed: ${err.trim().split('\n').pop() ?? code}`)),
    );
  });
}

export interface VideoInfo {
  /** The upright (displayed) size of the video. */
  width: number;
  height: number;
}

export async function probe(path: string): Promise<VideoInfo> {
  const out = await run(FFPROBE(), [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height:stream_side_data=rotation',
    '-of',
    'json',
    path,
  ]);
  const stream = (JSON.parse(out) as { streams?: { width?: number; height?: number; side_data_list?: { rotation?: number }[] }[] })
    .streams?.[0];
  if (!stream?.width || !stream.height) throw new VideoError('video_failed', 'No video stream was found in this file.');
  const rotation = Math.abs(stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0) % 180;
  return rotation === 90 ? { width: stream.height, height: stream.width } : { width: stream.width, height: stream.height };
}

export interface Frame {
  index: number;
  time: number;
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** The size frames are analyzed at, and the factor from it back to the video's pixels. */
export function frameSize(info: VideoInfo): { width: number; height: number; scale: number } {
  const scale = Math.max(1, Math.max(info.width, info.height) / FRAME_SIDE);
  return { width: Math.max(1, Math.round(info.width / scale)), height: Math.max(1, Math.round(info.height / scale)), scale };
}

/** The video's frames at `fps`, pulled one at a time (ffmpeg waits while the caller does: memory stays one frame and a pipe). */
export async function* frames(path: string, fps: number): AsyncGenerator<Frame> {
  const { width, height } = frameSize(await probe(path));
  const frameBytes = width * height * 4;
  const args = [
    '-v',
    'error',
    '-nostdin',
    '-i',
    path,
    '-an',
    '-vf',
    `fps=${fps},scale=${width}:${height}:flags=area`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    'pipe:1',
  ];
  const p = spawn(FFMPEG(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    p.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new VideoError('ffmpeg_missing', FFMPEG_MISSING) : e));
    p.on('close', resolve);
  });
  exited.catch(() => {}); // awaited below; this only keeps an early failure from being an unhandled rejection
  let buf = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  try {
    for await (const chunk of p.stdout as AsyncIterable<Uint8Array>) {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        buf.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          yield { index, time: index / fps, rgba: buf, width, height };
          index++;
          buf = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    if (code !== 0)
      throw new VideoError('video_failed', `ffmpeg could not read this video: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`);
  } finally {
    if (p.exitCode === null) p.kill();
  }
}
