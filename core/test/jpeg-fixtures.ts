/**
 * JPEGs of every layout the decoder supports, made by libjpeg-turbo's cjpeg (Debian's
 * libjpeg-turbo-progs, installed by .ci/run) from a patterned picture, so each test states the
 * layout it checks. Cached per process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceLimits } from '../src/image-source.ts';
import { tempDir } from '../testing/temp-dir.ts';

const dir = tempDir('core-jpeg-');

/** Source limits far above any test image's, for tests of decoding itself. */
export const GENEROUS_LIMITS: SourceLimits = {
  maxPixelsStreamed: 2 ** 26,
  maxPixelsHeld: 2 ** 25,
  maxSide: 8192,
  maxDecodeBytes: 2 ** 30,
  maxJpegScans: 100,
};

/** A smooth colour picture with edges and noise (so AC coefficients, clipping and chroma all matter). */
export function patternRgb(width: number, height: number, seed = 1): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      const noise = (s >>> 24) / 16 - 8;
      const o = (y * width + x) * 3;
      const ring = Math.sin(Math.hypot(x - width / 2, y - height / 3) / 6) * 60;
      out[o] = clamp(128 + ring + noise + (x > width / 2 ? 60 : -40));
      out[o + 1] = clamp(100 + (y / height) * 120 + noise);
      out[o + 2] = clamp(230 - (x / width) * 200 + (((x >> 4) + (y >> 4)) % 2) * 40 + noise);
    }
  }
  return out;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

const cache = new Map<string, Uint8Array>();

/** cjpeg of an RGB picture (PPM) with the given flags, e.g. ['-sample', '2x1'], ['-progressive']. */
export function cjpeg(rgb: Uint8Array, width: number, height: number, flags: string[] = [], quality = 90): Uint8Array {
  const key = `${width}x${height}:${flags.join(' ')}:${quality}:${rgb.length}:${rgb[0]}:${rgb[rgb.length >> 1]}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const ppm = join(dir, `in-${cache.size}.ppm`);
  writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), Buffer.from(rgb)]));
  const out = new Uint8Array(execFileSync('cjpeg', ['-quality', String(quality), ...flags, ppm], { maxBuffer: 1 << 30 }));
  cache.set(key, out);
  return out;
}

export function readFixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
