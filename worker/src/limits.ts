/**
 * Every upload limit, in one place. /model and /openapi.json publish these values, and the
 * request path checks them before any large allocation.
 *
 * Why these numbers: a Worker isolate has 128 MB for everything (JS heap, WebAssembly memory, the
 * request body), and local workerd enforces none of it, so the budget is measured in Node (same
 * V8, same ORT WebAssembly; `npm run bench:memory -w worker`, figures in worker/README.md):
 *   ORT's WebAssembly memory after the session and a batch-8 run  23 MiB (+1 MiB JS heap)
 *   the model bytes (a Data module)                                  4 MiB
 *   the body, up to three copies (stream chunks / form file, PNG copies)   3 x 8 MiB
 *   decoding, by the decoders' own accounting (jpeg-js maxMemoryUsageInMB; the same sum for
 *   upng-js in core/src/png.ts, which matched the live peak to 1%)  48 MiB
 * = about 100 MiB for one request, leaving room for the bundle's code and heap. The pixel limit
 * refuses what no photo for a 48x48 classifier needs; jpeg-js' memory limit then caps the costlier
 * JPEG layouts below it (4:4:4 at about 2.3 MP, 4:2:0 at about 3.2 MP).
 */
export const LIMITS = {
  /** Largest request body, multipart overhead included. Checked from Content-Length, then while reading. */
  maxBodyBytes: 8 * 1024 * 1024,
  /** An oversized body without Content-Length is read and discarded up to this size before the 413. */
  maxDrainBytes: 64 * 1024 * 1024,
  /** Largest width * height, read from the image header before any pixel is decoded. */
  maxPixels: 4_000_000,
  /** Decoder memory budget in MB: jpeg-js' maxMemoryUsageInMB, and the same estimate for PNG. */
  maxDecodeMemoryMB: 48,
} as const;

export const ACCEPTED_FORMATS = ['image/jpeg', 'image/png'] as const;

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
