/**
 * Every upload limit, in one place. /model and /openapi.json publish these values, the API page
 * documents them, core's decoders default to them, and the worker checks them before any large allocation.
 *
 * Why these numbers: a Worker isolate has 128 MB for everything (JS heap, WebAssembly memory, the
 * request body), and local workerd enforces none of it, so the budget is measured in Node (same
 * V8, same ORT WebAssembly; `npm run bench:memory -w worker`, figures in worker/README.md):
 *   ORT's WebAssembly memory after both sessions (emotion, detector) and their runs   23 MiB (+1 MiB JS heap)
 *   the model bytes (Data modules)                                   4.6 MiB
 *   the body (16 MiB; the stream's chunks or the form's copy are garbage once it is read)  16 MiB
 *   decoding, by the decoder's own accounting (core/src/image-source.ts bytesFor: the coefficient
 *   store of a progressive JPEG, the decoded PNG, the detection image and crops)   60 MiB
 * = about 105 MiB for one request, leaving room for the bundle's code and heap.
 *
 * JPEGs are decoded shrink-on-load (core/src/jpeg/decoder.ts): a baseline JPEG streams by MCU rows,
 * so its memory does not grow with its size (a 48 MP photo needs about 4 MiB: its 1/8 detection
 * image and one row of coefficients), and the pixel limit for it is the format's own 8192 px a
 * side. What is held whole is bounded by the decode budget: a progressive JPEG's coefficients
 * (2 bytes each, 3 bytes a pixel at 4:2:0: about 20 MP, so an 18 MP camera original) and a PNG's whole decode (about 7 MP).
 */
export const LIMITS = {
  /** Largest request body, multipart overhead included. Checked from Content-Length, then while reading. */
  maxBodyBytes: 16 * 1024 * 1024,
  /** An oversized body without Content-Length is read and discarded up to this size before the 413. */
  maxDrainBytes: 64 * 1024 * 1024,
  /** Largest width * height of a streamed (baseline) JPEG, read from the header before any pixel is decoded. */
  maxPixels: 8192 * 8192,
  /** Largest width * height of what is held whole: a progressive JPEG's coefficients, a PNG (the memory budget may refuse less). */
  maxPixelsHeld: 24_000_000,
  /** Decoding memory budget in bytes, by the decoder's own accounting (core/src/image-source.ts bytesFor). */
  maxDecodeBytes: 60 * 1024 * 1024,
  /**
   * Scans in a progressive JPEG: each one walks the blocks it codes, so thousands of tiny
   * scans cost seconds of CPU (a fuzz finding). libjpeg writes 10 for colour, 18 for CMYK.
   * Also the default of core's decoders (decode.ts DEFAULT_DECODE_LIMITS).
   */
  maxJpegScans: 100,
  /** Longest side in pixels, read from the header with the pixel count. */
  maxSide: 8192,
  /** Regions classified in one request: the most faces detection keeps, `max_faces`'s maximum, `boxes`' most entries. */
  maxFaces: 100,
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

/**
 * Request rates per client on POST /classify, as deployed (wrangler.toml's top-level `[[ratelimits]]`
 * bindings; a test checks that they say the same). Each request costs 100-300 ms of CPU. Anonymous
 * clients are counted by address (an IPv6 address by its /64), keyed clients by their key. The
 * Rate Limiting binding counts per Cloudflare location and is eventually consistent: a client may
 * get a little more than this before the 429s start.
 */
export const RATE_LIMITS = {
  /** `ANON_LIMITER`: requests per period from one address without a key. */
  anonymous: 30,
  /** `KEY_LIMITER`: requests per period with one API key. */
  keyed: 300,
  /** The window of both, in seconds (the binding allows 10 or 60); a 429 says `Retry-After` this. */
  periodSeconds: 60,
} as const;

/**
 * The decoders' limits (core's SourceLimits) as the API sets them: the worker, the site's on-device
 * mode, the package and training's photo evaluation use these.
 */
export const SOURCE_LIMITS = {
  maxPixelsStreamed: LIMITS.maxPixels,
  maxPixelsHeld: LIMITS.maxPixelsHeld,
  maxSide: LIMITS.maxSide,
  maxDecodeBytes: LIMITS.maxDecodeBytes,
  maxJpegScans: LIMITS.maxJpegScans,
} as const;

/** analyzeImage's limits (core's AnalyzeLimits): the decoders', and how many faces detection keeps. */
export const ANALYZE_LIMITS = { ...SOURCE_LIMITS, maxDetections: LIMITS.maxFaces } as const;

/** The same limits for core's whole-image decoders (decodeGray, decodeRgba: their DecodeLimits, which count MB). */
export const DECODE_LIMITS = {
  maxPixels: LIMITS.maxPixels,
  maxMemoryMB: LIMITS.maxDecodeBytes / 2 ** 20,
  maxJpegScans: LIMITS.maxJpegScans,
} as const;
