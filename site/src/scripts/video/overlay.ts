/**
 * Tracked faces drawn over a video (a file's player or the live camera): each face's box, its
 * track number and its smoothed label. The canvas takes the video's own pixel size and is laid
 * over it by CSS, so boxes in video pixels land where they belong at any displayed size.
 */
import type { Emotion } from '@emotion/core/classes';
import { CLASS_COLORS } from '../../lib/timeline-view';

export interface DrawnFace {
  id: number;
  box: { x: number; y: number; w: number; h: number };
  emotion: Emotion;
  confidence: number;
}

export function drawTracked(canvas: HTMLCanvasElement, width: number, height: number, faces: readonly DrawnFace[]): void {
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  const line = Math.max(2, width / 240);
  const size = Math.round(Math.max(14, width / 32));
  ctx.lineWidth = line;
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const f of faces) {
    const { x, y, w, h } = f.box;
    const color = CLASS_COLORS[f.emotion];
    // A dark halo keeps light colours visible on light backgrounds.
    ctx.strokeStyle = 'rgba(15,23,42,0.6)';
    ctx.lineWidth = line * 2;
    ctx.strokeRect(x, y, w, h);
    ctx.strokeStyle = color;
    ctx.lineWidth = line;
    ctx.strokeRect(x, y, w, h);
    const label = `${f.id} · ${f.emotion} ${Math.round(f.confidence * 100)}%`;
    const tw = ctx.measureText(label).width + 2 * line;
    const th = size + line;
    const ty = y - th >= 0 ? y - th : Math.min(height - th, y + h);
    ctx.fillStyle = 'rgba(15,23,42,0.85)';
    ctx.fillRect(x - line / 2, ty, tw, th);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, x + line, ty + th - line / 2);
  }
}
