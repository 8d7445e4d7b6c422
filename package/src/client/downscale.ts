/**
 * In-browser downscaling before an upload, as the site's upload page does: the photo decoded by the
 * browser (EXIF orientation applied), drawn at most `maxSide` px on its longest side over white, and
 * re-encoded as JPEG. Smaller uploads, any format the browser reads becomes one the API accepts, and
 * the photo's metadata (location, camera) is not sent. The answer's boxes are then in the pixels of
 * the downscaled image (its `image` says its size). Browsers only (createImageBitmap, OffscreenCanvas).
 */

/** The longest side an upload is downscaled to: plenty for a face, and a 12 MP photo shrinks ~12x. */
export const MAX_UPLOAD_SIDE = 1024;
export const UPLOAD_JPEG_QUALITY = 0.9;

export interface Downscaled {
  body: Blob;
  width: number;
  height: number;
  /** The downscaled size over the original's (1 when it was small enough). */
  scale: number;
}

export const canDownscale = (): boolean => typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';

/** The size to draw an image at so that its longest side is at most `max`; never enlarges. */
export function fitWithin(width: number, height: number, max = MAX_UPLOAD_SIDE): { width: number; height: number; scale: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** The image downscaled and re-encoded; null when the browser cannot decode it (send it as it is: the API says what is wrong). */
export async function downscaleForUpload(
  image: Blob,
  maxSide = MAX_UPLOAD_SIDE,
  quality = UPLOAD_JPEG_QUALITY,
): Promise<Downscaled | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  const fit = fitWithin(bitmap.width, bitmap.height, maxSide);
  const canvas = new OffscreenCanvas(fit.width, fit.height);
  drawFitted(canvas, bitmap);
  return { body: await canvas.convertToBlob({ type: 'image/jpeg', quality }), ...fit };
}

/**
 * Draws `bitmap` over white onto the whole of `canvas` (sized by the caller, e.g. with fitWithin),
 * smoothing at high quality, and closes the bitmap. The site's upload page draws the same way.
 */
export function drawFitted(canvas: HTMLCanvasElement | OffscreenCanvas, bitmap: ImageBitmap): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('This browser cannot draw images.');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
}
