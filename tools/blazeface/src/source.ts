/**
 * The original detector: BlazeFace "back" (MediaPipe's 256x256 face detector) as the tfjs graph
 * model shipped in the npm package @vladmandic/human (models/blazeface.json + blazeface.bin).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export const SOURCE_PACKAGE = '@vladmandic/human';

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[] };
  shape?: { dim?: { size: string }[] };
  tensor?: { dtype: string; tensorShape?: { dim?: { size: string }[] } };
}

export interface Weight {
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface GraphModelFiles {
  /** Where the files came from, for the ONNX metadata. */
  source: { package: string; version: string; json: string; bin: string; binSha256: string };
  nodes: TfNode[];
  weights: Map<string, Weight>;
  /** The parsed model.json, as tfjs-converter's loadGraphModel wants it. */
  modelJson: Record<string, unknown>;
  /** The raw weights file. */
  bin: Uint8Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: unknown;
}

/** The package's exports map hides models/ (and package.json): walk up from its main entry. */
export function sourceDir(): string {
  let dir = dirname(require.resolve(SOURCE_PACKAGE));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== SOURCE_PACKAGE) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${SOURCE_PACKAGE} package folder`);
    dir = up;
  }
  return join(dir, 'models');
}

export function loadGraphModelFiles(dir = sourceDir()): GraphModelFiles {
  const jsonPath = join(dir, 'blazeface.json');
  const modelJson = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const manifest = modelJson.weightsManifest as { paths: string[]; weights: ManifestEntry[] }[];
  if (manifest.length !== 1 || manifest[0].paths.length !== 1) throw new Error('expected one weights file');
  const binPath = join(dir, manifest[0].paths[0]);
  const bin = new Uint8Array(readFileSync(binPath));
  const weights = new Map<string, Weight>();
  let offset = 0;
  for (const w of manifest[0].weights) {
    if (w.quantization) throw new Error(`${w.name}: quantized weights are not supported`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    const bytes = bin.slice(offset, offset + n * 4);
    offset += n * 4;
    const data = w.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    weights.set(w.name, { shape: w.shape, data });
  }
  if (offset !== bin.length) throw new Error(`weights file has ${bin.length} bytes, manifest describes ${offset}`);
  const version = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')).version as string;
  return {
    source: {
      package: SOURCE_PACKAGE,
      version,
      json: 'models/blazeface.json',
      bin: `models/${manifest[0].paths[0]}`,
      binSha256: createHash('sha256').update(bin).digest('hex'),
    },
    nodes: (modelJson.modelTopology as { node: TfNode[] }).node,
    weights,
    modelJson,
    bin,
  };
}
