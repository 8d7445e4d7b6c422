/**
 * emotion-edge in Node: the analyzer on onnxruntime-node with the shipped models, and the API client.
 *
 *   import { createAnalyzer } from 'emotion-edge';
 *   const analyzer = createAnalyzer();
 *   const answer = await analyzer.analyze(await readFile('photo.jpg'));   // POST /classify's answer
 */
export type { Analyzer, ImageInput, Pixels } from './analyzer.ts';
export * from './client/index.ts';
export { createAnalyzer, type NodeAnalyzerOptions } from './node-analyzer.ts';
export * from './timeline.ts';
