/**
 * A chosen photo made ready for analysis: decoded by the browser (EXIF orientation applied), drawn
 * at most MAX_UPLOAD_SIDE px on its longest side over white (JPEG has no alpha) and re-encoded as
 * JPEG. Smaller, any format the browser reads becomes one the API accepts, and the photo's metadata
 * (location, camera) is not sent. What the browser cannot decode goes as it is, so that the API
 * says what is wrong with it.
 */
import { drawFitted, fitWithin, MAX_UPLOAD_SIDE, UPLOAD_JPEG_QUALITY } from '../../lib/classify';

export interface Prepared {
  body: Blob;
  filename: string;
  /** The downscaled image as sent; null when the browser could not decode the file. */
  canvas: HTMLCanvasElement | null;
  caption: string;
}

export function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The browser could not encode the image.'))),
      'image/jpeg',
      UPLOAD_JPEG_QUALITY,
    ),
  );
}

/** `onDevice`: the caption says "read" or "analyzed in your browser" rather than "sent". */
export async function prepare(file: File, onDevice: boolean): Promise<Prepared> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    // Sent from memory, not from the file on disk: a File whose disk copy changes before the
    // request reads it fails to send, and tools that watch requests (DevTools) cannot see its body.
    const body = new Blob([await file.arrayBuffer()], { type: file.type || 'application/octet-stream' });
    return {
      body,
      filename: file.name || 'upload',
      canvas: null,
      caption: `${file.name || 'Pasted file'} · ${kb(file.size)}, ${onDevice ? 'read' : 'sent'} as it is`,
    };
  }
  const original = { width: bitmap.width, height: bitmap.height };
  const fit = fitWithin(original.width, original.height, MAX_UPLOAD_SIDE);
  const canvas = document.createElement('canvas');
  canvas.width = fit.width;
  canvas.height = fit.height;
  drawFitted(canvas, bitmap);
  const body = await canvasToBlob(canvas);
  const resized = fit.scale < 1 ? `, shrunk from ${original.width}×${original.height}` : '';
  return {
    body,
    filename: (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg',
    canvas,
    caption: `${onDevice ? 'Analyzed in your browser' : 'Sent'} as a ${fit.width}×${fit.height} JPEG, ${kb(body.size)}${resized}. Original ${kb(file.size)}.`,
  };
}
