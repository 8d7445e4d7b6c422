/**
 * The `emotion-edge` command: photos, folders and videos in, one answer per image (or per video
 * frame and track) out. Locally, `--jobs` analysis threads (./threads.ts) read and analyze the
 * images; with --api, the client sends them, `--jobs` at a time. Results come out in the order
 * of the inputs (./ordered.ts bounds how many wait), errors as lines, exit status 1 if any failed.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ClassifyResponse } from '@emotion/core/api';
import { ExpressionTimeline } from '@emotion/core/timeline';
import { type Client, createClient } from '../client/client.ts';
import type { ClassifyOptions } from '../options.ts';
import { type CliOptions, HELP, parseCli } from './args.ts';
import { expandInputs, type Input } from './inputs.ts';
import { Ordered } from './ordered.ts';
import { OutputWriter, type Sink } from './output.ts';
import { openProgress } from './progress.ts';
import { type FailureInfo, failureOf } from './protocol.ts';
import { ThreadPool } from './threads.ts';
import { FRAME_SIDE, frameSize, frames, probe, VideoError } from './video.ts';

type Result = { answer: ClassifyResponse } | { error: FailureInfo };

function classifyOptions(o: CliOptions): ClassifyOptions {
  return {
    detect: o.detect,
    tta: o.tta,
    ...(o.maxFaces !== undefined ? { max_faces: o.maxFaces } : {}),
    ...(o.minDetectionScore !== undefined ? { min_detection_score: o.minDetectionScore } : {}),
    ...(o.minFaceSize !== undefined ? { min_face_size: o.minFaceSize } : {}),
  };
}

/** Where an image or frame is analyzed: the analysis threads, or the API. */
interface Engine {
  file(path: string): Promise<Result>;
  pixels(rgba: Uint8Array, width: number, height: number): Promise<Result>;
  close(): Promise<void>;
}

function localEngine(jobs: number, options: ClassifyOptions): Engine {
  const pool = new ThreadPool(jobs);
  const result = (r: Awaited<ReturnType<ThreadPool['run']>>): Result => (r.ok ? { answer: r.answer } : { error: r.error });
  return {
    file: async (path) => result(await pool.run({ kind: 'file', path, options })),
    pixels: async (data, width, height) =>
      result(await pool.run({ kind: 'pixels', data, width, height, options }, [data.buffer as ArrayBuffer])),
    close: () => pool.close(),
  };
}

/**
 * The API takes files: images go as they are; video frames are analyzed locally only. After a 429
 * no new request starts until its Retry-After has passed (the requests in flight wait it out in the
 * client), so the batch follows the rate limit instead of spending it on more 429s.
 */
function apiEngine(api: { url: string; key: string | null }, options: ClassifyOptions): Engine {
  let pausedUntil = 0;
  const client: Client = createClient({
    baseUrl: api.url,
    apiKey: api.key ?? undefined,
    // The deployed limiter's window is a minute: wait it out rather than fail the batch.
    retry: { retries: 5, maxDelayMs: 65_000 },
    onAttempt: (a) => {
      if (a.status === 429 && a.retryInMs !== null) pausedUntil = Math.max(pausedUntil, Date.now() + a.retryInMs);
    },
  });
  const settle = async (p: Promise<ClassifyResponse>): Promise<Result> => {
    try {
      return { answer: await p };
    } catch (err) {
      return { error: failureOf(err) };
    }
  };
  return {
    file: async (path) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (err) {
        return { error: failureOf(err) };
      }
      while (Date.now() < pausedUntil) await new Promise((r) => setTimeout(r, pausedUntil - Date.now()));
      return settle(client.classify(bytes, options));
    },
    pixels: async () => ({
      error: { code: 'not_supported', message: 'Videos are analyzed locally only (the API takes JPEG or PNG files): leave out --api.' },
    }),
    close: async () => {},
  };
}

async function main(argv: string[]): Promise<number> {
  let o: CliOptions;
  try {
    o = parseCli(argv);
  } catch (err) {
    process.stderr.write(`emotion-edge: ${(err as Error).message}\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (o.version) {
    process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
    return 0;
  }
  const inputs: Input[] = [];
  for await (const input of expandInputs(o.inputs)) inputs.push(input);
  const options = classifyOptions(o);
  const sink: Sink & { end(cb: () => void): void } = o.out ? createWriteStream(o.out) : process.stdout;
  const out = new OutputWriter(o.format, sink);
  const engine = o.api
    ? apiEngine({ url: o.api, key: o.apiKey }, options)
    : localEngine(Math.max(1, Math.min(o.jobs, inputs.length || 1)), options);
  const progress = openProgress(o.progress ?? process.stderr.isTTY === true, inputs.length);
  let failed = 0;
  const window = Math.max(4, o.jobs * 4);
  try {
    const images = new Ordered<{ input: Input; result: Result }>(o.jobs, window, async ({ input, result }) => {
      if ('error' in result) failed++;
      await out.image(input.path, result);
      progress.tick(failed);
    });
    for (const input of inputs) {
      if (input.kind === 'video') {
        await images.finish(); // outputs stay in input order
        if (!(await video(input.path, o, engine, out))) failed++;
        progress.tick(failed);
      } else if (input.kind === 'missing') {
        await images.submit(async () => ({
          input,
          result: { error: { code: 'unreadable_file', message: `${input.path}: ${input.message}` } },
        }));
      } else {
        await images.submit(async () => ({ input, result: await engine.file(input.path) }));
      }
    }
    await images.finish();
    await out.end();
  } catch (err) {
    process.stderr.write(`emotion-edge: ${(err as Error).message}\n`);
    return 2;
  } finally {
    progress.stop();
    await engine.close();
    if (o.out) await new Promise<void>((r) => sink.end(r));
  }
  return failed ? 1 : 0;
}

/** One video: its frames analyzed in parallel, pushed into the timeline in time order. False when it failed. */
async function video(path: string, o: CliOptions, engine: Engine, out: OutputWriter): Promise<boolean> {
  const timeline = new ExpressionTimeline();
  let failure: FailureInfo | null = null;
  try {
    const { scale } = frameSize(await probe(path));
    const ordered = new Ordered<{ time: number; result: Result }>(o.jobs, Math.max(4, o.jobs * 2), ({ time, result }) => {
      if ('error' in result) failure ??= result.error;
      // Boxes back in the video's own pixels.
      else
        timeline.push(
          time,
          result.answer.faces.map((f) => ({
            ...f,
            box: { x: f.box.x * scale, y: f.box.y * scale, w: f.box.w * scale, h: f.box.h * scale },
          })),
        );
    });
    for await (const frame of frames(path, o.fps)) {
      if (failure) break; // leaving the loop stops ffmpeg
      await ordered.submit(async () => ({ time: frame.time, result: await engine.pixels(frame.rgba, frame.width, frame.height) }));
    }
    await ordered.finish();
  } catch (err) {
    failure = err instanceof VideoError ? { code: err.code, message: err.message } : failureOf(err);
  }
  if (failure) {
    await out.videoError(path, failure);
    return false;
  }
  await out.video(path, timeline, { fps: o.fps, frame_side: FRAME_SIDE });
  return true;
}

// `emotion-edge ... | head`: a closed pipe ends the run quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`emotion-edge: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 2;
  },
);
