/** The command line's options, their defaults and --help: one table, so the help cannot drift from the parser. */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export type Format = 'jsonl' | 'csv' | 'json';
export const FORMATS: readonly Format[] = ['jsonl', 'csv', 'json'];

export interface CliOptions {
  inputs: string[];
  format: Format;
  out: string | null;
  api: string | null;
  apiKey: string | null;
  jobs: number;
  fps: number;
  detect: boolean;
  maxFaces: number | undefined;
  tta: boolean;
  minDetectionScore: number | undefined;
  minFaceSize: number | undefined;
  progress: boolean | null;
  help: boolean;
  version: boolean;
}

export const DEFAULT_FPS = 5;

export const HELP = `Usage: emotion-edge [options] <files, folders or videos...>

The apparent facial expression of every face in JPEG and PNG photos (folders are searched
recursively) and in videos (through ffmpeg), as POST /classify answers it. Runs on this machine
by default (the models ship in the package); --api sends the images to a deployment instead.

Options:
  --format jsonl|csv|json   output format (default: jsonl: one line per image, or per video frame and track)
  --out FILE                write there (default: standard output)
  --api URL                 send to this deployment's POST /classify instead of running locally
  --api-key KEY             its API key (default: $EMOTION_EDGE_API_KEY)
  --jobs N                  images analyzed at once (default: the core count, ${availableParallelism()} here);
                            with --api, requests in flight
  --fps N                   video frames analyzed per second of video (default: ${DEFAULT_FPS})
  --no-detect               classify the whole image, not the faces found (detect=false)
  --max-faces N             at most N faces an image, the largest (1-100, default: 50)
  --no-tta                  without flip test-time augmentation (tta=false; default: with)
  --min-detection-score X   drop faces the detector scores below X (0-1, default: 0.5)
  --min-face-size PX        drop faces smaller than PX on the longer side (default: 0)
  --progress / --no-progress  a progress bar on standard error (default: when it is a terminal)
  -h, --help                this help
  -v, --version             the version

A file that cannot be read or analyzed is one error line ({"file", "error": {"code", "message"}});
the batch goes on, and the exit status is 1 if any failed. What the labels mean and do not mean
(an apparent expression, not a feeling): the package's README.`;

/** Throws an Error with a message for the user on a bad command line. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    options: {
      format: { type: 'string', default: 'jsonl' },
      out: { type: 'string' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      jobs: { type: 'string' },
      fps: { type: 'string', default: String(DEFAULT_FPS) },
      detect: { type: 'boolean', default: true },
      'max-faces': { type: 'string' },
      tta: { type: 'boolean', default: true },
      'min-detection-score': { type: 'string' },
      'min-face-size': { type: 'string' },
      progress: { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')} (got ${values.format}).`);
  const number = (name: string, text: string | undefined, min: number, integer = false): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new Error(`--${name} must be ${integer ? 'a whole number' : 'a number'} of at least ${min} (got ${text}).`);
    return n;
  };
  const help = values.help === true;
  const version = values.version === true;
  if (!positionals.length && !help && !version) throw new Error('Name at least one file, folder or video (emotion-edge --help).');
  return {
    inputs: positionals,
    format,
    out: values.out ?? null,
    api: values.api ?? null,
    apiKey: values['api-key'] ?? env.EMOTION_EDGE_API_KEY ?? null,
    jobs: number('jobs', values.jobs, 1, true) ?? availableParallelism(),
    fps: number('fps', values.fps, 0.01) ?? DEFAULT_FPS,
    detect: values.detect !== false,
    maxFaces: number('max-faces', values['max-faces'], 1, true),
    tta: values.tta !== false,
    minDetectionScore: number('min-detection-score', values['min-detection-score'], 0),
    minFaceSize: number('min-face-size', values['min-face-size'], 0),
    progress: values.progress ?? null,
    help,
    version,
  };
}
