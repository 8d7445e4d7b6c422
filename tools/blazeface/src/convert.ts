/**
 * npm run convert -w tools/blazeface: writes model/blazeface.onnx from the tfjs graph model in
 * @vladmandic/human. The output is deterministic; `npm test` checks it against the original.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DETECTOR_ANCHORS, DETECTOR_SIZE } from '@emotion/core/faces/model';
import { DETECTOR_MODEL_PATH, REPO_ROOT } from './paths.ts';
import { loadGraphModelFiles } from './source.ts';
import { convertToOnnx } from './to-onnx.ts';

export function buildDetectorOnnx(): Uint8Array {
  const src = loadGraphModelFiles();
  return convertToOnnx(src, {
    metadata: {
      name: 'BlazeFace back',
      source: `${src.source.package}@${src.source.version} ${src.source.json} + ${src.source.bin} (sha256 ${src.source.binSha256})`,
      origin:
        'MediaPipe face detection, back-camera (256x256) model; weights under the Apache-2.0 licence, tfjs conversion by @vladmandic/human (MIT)',
      input: `input: float32 [1, 3, ${DETECTOR_SIZE}, ${DETECTOR_SIZE}] RGB planes, p / 127.5 - 1`,
      outputs: `scores: float32 [1, ${DETECTOR_ANCHORS}, 1] logits; boxes: float32 [1, ${DETECTOR_ANCHORS}, 16] (dx, dy, w, h, 6 keypoints) in input pixels`,
      anchors: '16x16 grid x 2 (stride 16) then 8x8 grid x 6 (stride 32), centres at (cell + 0.5) * stride',
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = buildDetectorOnnx();
  writeFileSync(DETECTOR_MODEL_PATH, bytes);
  console.log(`wrote ${relative(REPO_ROOT, DETECTOR_MODEL_PATH)} (${(bytes.length / 1024).toFixed(0)} KiB)`);
}
