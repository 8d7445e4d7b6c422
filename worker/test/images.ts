/**
 * Test and benchmark images, made here from the shared photos (nothing is copied into the repo);
 * the encoders and byte-level helpers are core's (@emotion/core/testing/images).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bytes, resampleJpeg } from '@emotion/core/testing/images';
import { FER_TEST, PHOTOS } from './harness.ts';

export * from '@emotion/core/testing/images';

export const photo = (name: string): Bytes => new Uint8Array(readFileSync(join(PHOTOS, name)));

/** The first `perClass` FER2013 PublicTest crops of every class, sorted by name (deterministic). */
export function ferCrops(perClass: number): { file: string; label: string; bytes: Bytes }[] {
  const out: { file: string; label: string; bytes: Bytes }[] = [];
  for (const label of readdirSync(FER_TEST).sort()) {
    for (const f of readdirSync(join(FER_TEST, label)).sort().slice(0, perClass)) {
      out.push({ file: `${label}/${f}`, label, bytes: new Uint8Array(readFileSync(join(FER_TEST, label, f))) });
    }
  }
  return out;
}

/** RGBA pixels of a shared photo resampled (bilinear) to w x h: photo-like content at any size. */
export function resampledRgba(name: string, w: number, h: number): Uint8Array {
  return resampleJpeg(photo(name), w, h);
}
