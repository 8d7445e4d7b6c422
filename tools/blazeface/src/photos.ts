/** The local test photos in ../shared/photos (see photos/SOURCE.md) and what is known of them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from '@emotion/core/box';
import { ADJECTIVE_TO_CLASS, CLASSES, type Emotion } from '@emotion/core/classes';
import { PHOTOS_DIR } from './paths.ts';

export interface Photo {
  name: string;
  bytes: Uint8Array;
}

/** Faces counted by eye, from SOURCE.md. */
export const GROUP_FACE_COUNTS: Record<string, number> = { bbt1: 4, bbt2: 3, bbt3: 5, bbt4: 6, bbt5: 5 };

/** The 7 single-face photos, named by their expression as an adjective. */
export const LABELLED = ADJECTIVE_TO_CLASS;

const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(PHOTOS_DIR, file)));

export function groupPhotos(): (Photo & { faces: number })[] {
  return Object.entries(GROUP_FACE_COUNTS).map(([name, faces]) => ({ name, faces, bytes: read(`${name}.jpg`) }));
}

export function labelledPhotos(): (Photo & { emotion: Emotion; label: number })[] {
  return Object.entries(LABELLED).map(([name, emotion]) => ({
    name,
    emotion,
    label: CLASSES.indexOf(emotion),
    bytes: read(`${name}.jpg`),
  }));
}

/** The 40 tight 150x150 crops, one face filling each; `person` is the folder. */
export function tightCrops(): (Photo & { person: string })[] {
  const out: (Photo & { person: string })[] = [];
  for (const person of readdirSync(PHOTOS_DIR).sort()) {
    if (!statSync(join(PHOTOS_DIR, person)).isDirectory()) continue;
    for (const f of readdirSync(join(PHOTOS_DIR, person)).sort()) {
      if (/\.png$/i.test(f)) out.push({ name: `${person}/${f}`, person, bytes: read(join(person, f)) });
    }
  }
  return out;
}

/** A tight crop's face fills the frame: the box is big and centred. */
export function onTightCropFace(box: Box, size: { width: number; height: number }): boolean {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return Math.abs(cx - size.width / 2) < size.width / 4 && Math.abs(cy - size.height / 2) < size.height / 4 && box.w > size.width / 2;
}
