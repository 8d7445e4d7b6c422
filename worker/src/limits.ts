/**
 * Every upload limit, in one place. /model and /openapi.json publish these values, and the
 * request path checks them before any large allocation.
 *
 * Why these numbers: a Worker isolate has 128 MB for everything (JS heap, WebAssembly memory, the
 * request body), and local workerd enforces none of it, so the budget is measured in Node (same
 * V8, same ORT WebAssembly; `npm run bench:memory -w worker`, figures in worker/README.md):
 *   ORT's WebAssembly memory after both sessions (emotion, detector) and their runs   23 MiB (+1 MiB JS heap)
 *   the model bytes (Data modules)                                   4.6 MiB
 *   the body, up to three copies (stream chunks / form file, PNG copies)   3 x 8 MiB
 *   decoding, by the decoders' own accounting (jpeg-js maxMemoryUsageInMB; the same sum for
 *   upng-js in core/src/png.ts, which matched the live peak to 1%)  48 MiB
 * = about 100 MiB for one request, leaving room for the bundle's code and heap. The pixel limit
 * refuses what no photo for a 48x48 classifier needs; jpeg-js' memory limit then caps the costlier
 * JPEG layouts below it (4:4:4 at about 2.3 MP, 4:2:0 at about 3.2 MP).
 *
 * Face detection keeps the decoded RGBA (4 bytes per pixel, already inside the decoders' accounting)
 * and adds, after the decoder's own buffers are garbage: an upright copy for EXIF-rotated JPEGs
 * (4 bytes/pixel), the detector's resize rows (3 KB per image row) and the grayscale image
 * (1 byte/pixel); the detector's session adds to ORT's WebAssembly memory. Measured by the same
 * script, the decode peak still dominates (worker/README.md). The resize rows and the resize work
 * grow with the longest side times the image height, so a 50x20000 strip (1 MP) took 4 s and 61 MB:
 * hence maxSide.
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
  /**
   * Scans in a progressive JPEG: jpeg-js walks the whole frame once per scan, so thousands of tiny
   * scans cost seconds of CPU (a fuzz finding). libjpeg writes 10 for colour, 18 for CMYK.
   */
  maxJpegScans: 100,
  /** Longest side in pixels, read from the header with the pixel count: bounds face detection's resize (above). */
  maxSide: 4096,
  /** `max_faces` accepts 1 to this; it bounds the crops classified in one batch. */
  maxFaces: 50,
  /** `max_faces` when the request does not say. */
  defaultMaxFaces: 10,
  /**
   * Regions per emotion-model call. ORT's WebAssembly memory never shrinks: batches up to 12 run in
   * the 23 MiB it starts with (the detector's session and run included), 16 grew it to 33 MiB and 50 to
   * 47.5 MiB (bench/memory.ts), so more faces are classified in several calls.
   */
  maxBatch: 10,
} as const;

export const ACCEPTED_FORMATS = ['image/jpeg', 'image/png'] as const;

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
