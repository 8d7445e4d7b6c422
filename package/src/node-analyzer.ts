/**
 * The analyzer in Node: both models on onnxruntime-node (its CPU build ships inside its npm
 * package), from the package's models/ folder. onnxruntime-node is imported on first use, so the
 * client and `--api` runs never load it.
 */
import { fileURLToPath } from 'node:url';
import { optOutOfOrtTelemetry } from '@emotion/core/ort';
import { type Analyzer, analyzerOn } from './analyzer.ts';
import { MODEL_FILES, modelsUrl } from './models.ts';

export interface NodeAnalyzerOptions {
  /** Threads per model run (default 1: run several analyzers, or the CLI's --jobs, for more throughput). */
  threads?: number;
  /** A folder holding scratchcnn.onnx and blazeface.onnx (default: the package's own). */
  modelDir?: string;
}

export function createAnalyzer(options: NodeAnalyzerOptions = {}): Analyzer {
  return analyzerOn(async () => {
    // Before the runtime's first session: the analysis of a user's photos tells nobody about it.
    optOutOfOrtTelemetry();
    const ort = await import('onnxruntime-node');
    const dir = options.modelDir ?? fileURLToPath(modelsUrl());
    const so = { intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 };
    const [classifier, detector] = await Promise.all([
      ort.InferenceSession.create(`${dir}/${MODEL_FILES.classifier}`, so),
      ort.InferenceSession.create(`${dir}/${MODEL_FILES.detector}`, so),
    ]);
    return { classifier, detector, Tensor: ort.Tensor };
  });
}
