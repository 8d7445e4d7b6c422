/**
 * Dev-only: the face detector's raw outputs (onnxruntime-node, model/blazeface.onnx) on a few shared
 * photos, for tools/references/make_detection.py to decode independently of core. Writes
 * core/test/fixtures/detection/outputs.json: per photo, its upright size, the map from detector
 * input pixels to image pixels, and every anchor's row whose logit is at least -1 (score 0.27; the
 * detector's threshold is 0.5), so the file stays small. Run from the repository root:
 *
 *     node --import tsx tools/references/detector-outputs.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SOURCE_LIMITS } from '@emotion/core/api';
import { detectionTiles, prepareDetectorInput, readDetectionImage } from '@emotion/core/faces';
import { openFaceDetector } from '@emotion/core/faces/node';
import { openImage } from '@emotion/core/image-source';
import { REPO_DIR, sharedPath } from '@emotion/core/shared-data';
import * as ort from 'onnxruntime-node';

/** Groups, overlapping faces and close-ups whose faces move when the NMS changes (none is searched in tiles). */
export const DETECTION_PHOTOS = [
  'photos/bbt1.jpg',
  'photos/bbt3.jpg',
  'photos/bbt5.jpg',
  'photos/surprised.jpg',
  'photos-dev/disgust_04.jpg',
  'photos-dev/fear_04.png',
  'photos-dev/happy_04.jpg',
  'photos-dev/happy_08.jpg',
  'photos-dev/sad_02.jpg',
];
const MIN_LOGIT = -1;
const VALUES = 16;

const detector = await openFaceDetector(ort);
const photos = [];
for (const name of DETECTION_PHOTOS) {
  const image = openImage(new Uint8Array(readFileSync(sharedPath(name))), SOURCE_LIMITS);
  if (detectionTiles(image.width, image.height).length) throw new Error(`${name} would be searched in tiles`);
  const img = readDetectionImage(image);
  const input = prepareDetectorInput(img);
  const raw = await detector.run(input);
  const t = input.transform;
  const rows = [];
  for (let i = 0; i < raw.scores.length; i++)
    if (raw.scores[i] >= MIN_LOGIT)
      rows.push({ anchor: i, logit: raw.scores[i], values: [...raw.boxes.subarray(i * VALUES, (i + 1) * VALUES)] });
  photos.push({
    name,
    width: image.width,
    height: image.height,
    // Detector input pixel (u, v) -> image pixel (u * scale + offset_x, v * scale + offset_y).
    scale: t.scaleX * img.step,
    offset_x: img.x0 + t.offsetX * img.step,
    offset_y: img.y0 + t.offsetY * img.step,
    rows,
  });
}
writeFileSync(`${REPO_DIR}/core/test/fixtures/detection/outputs.json`, `${JSON.stringify({ min_logit: MIN_LOGIT, photos })}\n`);
