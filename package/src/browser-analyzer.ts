/**
 * The analyzer in browsers: both models on onnxruntime-web's WebAssembly build, loaded by URL
 * (default: the package's models/ folder beside dist/, which bundlers that understand
 * `new URL(..., import.meta.url)` copy; otherwise serve the files and pass `modelBaseUrl`). Takes
 * what a page has: file bytes or a Blob, ImageData, or a video frame, video, image, bitmap or canvas.
 */
import type { ImageSource } from '@emotion/core';
import { type Analyzer, analyzerOn, type ImageInput, toImage } from './analyzer.ts';
import { MODEL_FILES, modelsUrl } from './models.ts';

export interface BrowserAnalyzerOptions {
  /** Where scratchcnn.onnx and blazeface.onnx are served (a folder URL ending in /). */
  modelBaseUrl?: string | URL;
  /** Where onnxruntime-web's .wasm and .mjs files are served (its env.wasm.wasmPaths); default: beside onnxruntime-web's own module. */
  wasmPaths?: string;
  /** WebAssembly threads (default: up to 4 on a cross-origin isolated page, else 1). */
  threads?: number;
}

/** Anything a canvas can draw: a VideoFrame, <video>, <img>, ImageBitmap, <canvas>, OffscreenCanvas. */
export type FrameInput = CanvasImageSource | VideoFrame;

export type BrowserImageInput = ImageInput | FrameInput;

function frameSize(f: FrameInput): { width: number; height: number } {
  if (typeof VideoFrame !== 'undefined' && f instanceof VideoFrame) return { width: f.displayWidth, height: f.displayHeight };
  if (typeof HTMLVideoElement !== 'undefined' && f instanceof HTMLVideoElement) return { width: f.videoWidth, height: f.videoHeight };
  if (typeof HTMLImageElement !== 'undefined' && f instanceof HTMLImageElement) return { width: f.naturalWidth, height: f.naturalHeight };
  const { width, height } = f as { width: number | SVGAnimatedLength; height: number | SVGAnimatedLength };
  return { width: Number(width), height: Number(height) };
}

/** A frame's pixels, drawn once onto a canvas of its size. */
function framePixels(f: FrameInput): ImageData {
  const { width, height } = frameSize(f);
  if (!(width > 0 && height > 0)) throw new TypeError('The frame has no pixels yet (is the video playing?).');
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas in this browser.');
  ctx.drawImage(f as CanvasImageSource, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

function toBrowserImage(input: BrowserImageInput): Promise<Uint8Array | ImageSource> {
  const known =
    input instanceof Uint8Array ||
    input instanceof ArrayBuffer ||
    input instanceof Blob ||
    (typeof ImageData !== 'undefined' && input instanceof ImageData);
  return toImage(known ? (input as ImageInput) : framePixels(input as FrameInput));
}

async function fetchModel(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url.href} (${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

export type BrowserAnalyzer = Analyzer<BrowserImageInput>;

export function createAnalyzer(options: BrowserAnalyzerOptions = {}): BrowserAnalyzer {
  return analyzerOn<BrowserImageInput>(async () => {
    const ort = await import('onnxruntime-web/wasm');
    const base = new URL(String(options.modelBaseUrl ?? modelsUrl()), globalThis.location?.href);
    // Threads need SharedArrayBuffer: browsers give it only to cross-origin isolated pages.
    ort.env.wasm.numThreads =
      options.threads ?? (globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1);
    ort.env.wasm.proxy = false;
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
    const so = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
    const [cBytes, dBytes] = await Promise.all([
      fetchModel(new URL(MODEL_FILES.classifier, base)),
      fetchModel(new URL(MODEL_FILES.detector, base)),
    ]);
    const classifier = await ort.InferenceSession.create(cBytes, so);
    const detector = await ort.InferenceSession.create(dBytes, so);
    return { classifier, detector, Tensor: ort.Tensor };
  }, toBrowserImage);
}
