/**
 * What the command line was given, as a list of work: image files (named, or found in folders,
 * recursively, by extension), and videos (by extension; they go through ffmpeg). A name that does
 * not exist is an error entry, so it is reported as a failed file like any other.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png']);
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['.mp4', '.mov', '.m4v', '.mkv', '.webm', '.avi', '.mpg', '.mpeg']);

export type Input = { kind: 'image' | 'video'; path: string } | { kind: 'missing'; path: string; message: string };

const kindOf = (path: string): 'image' | 'video' | null => {
  const ext = extname(path).toLowerCase();
  return IMAGE_EXTENSIONS.has(ext) ? 'image' : VIDEO_EXTENSIONS.has(ext) ? 'video' : null;
};

/** A folder's JPEG and PNG files, recursively, in name order (dot files skipped). */
async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile() && kindOf(path) === 'image') yield path;
  }
}

/** Every input in order: a named file is taken whatever its extension (a video if it has a video's). */
export async function* expandInputs(names: readonly string[]): AsyncGenerator<Input> {
  for (const name of names) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(name);
    } catch (e) {
      yield {
        kind: 'missing',
        path: name,
        message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or folder.' : (e as Error).message,
      };
      continue;
    }
    if (s.isDirectory()) for await (const path of walk(name)) yield { kind: 'image', path };
    else yield { kind: kindOf(name) === 'video' ? 'video' : 'image', path: name };
  }
}
