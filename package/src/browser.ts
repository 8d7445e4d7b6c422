/**
 * emotion-edge in browsers: the analyzer on onnxruntime-web (models loaded by URL), and the API client.
 *
 *   import { createAnalyzer } from 'emotion-edge';
 *   const analyzer = createAnalyzer();
 *   const answer = await analyzer.analyze(fileInput.files[0]);   // or ImageData, a VideoFrame, a <video>
 */
export type { ImageInput, Pixels } from './analyzer.ts';
export {
  type BrowserAnalyzer,
  type BrowserAnalyzerOptions,
  type BrowserImageInput,
  createAnalyzer,
  type FrameInput,
} from './browser-analyzer.ts';
export * from './client/index.ts';
export * from './timeline.ts';
