/**
 * Draws the upload page's result panel (ResultPanel.astro): the preview with a box per face, the
 * chosen face's expression and bars, a button per face, the notes on the answer (no face, poor
 * quality, a damaged image) and errors. Rendering only: what to analyze and when is the
 * controller's (./controller.ts).
 */
import type { CLASSES } from '@emotion/core/classes';
import {
  type ClassifyOutcome,
  capitalize,
  coversImage,
  type ErrorView,
  type FaceResult,
  formatPercent,
  qualityWarning,
  scaleBox,
} from '../../lib/classify';
import type { UploadElements } from '../elements';
import type { Prepared } from './prepare';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ResultView {
  /** Shows the panel (true when it was hidden: the first photo). */
  open(): boolean;
  busy(on: boolean, text?: string): void;
  clear(): void;
  showError(view: ErrorView): void;
  showPreview(prepared: Prepared): void;
  /** `onDevice`: how it ran in the browser (its threads), for the line under the bars; absent for the edge's answer. */
  showOutcome(o: ClassifyOutcome, onDevice?: string): void;
}

export function resultView(doc: Document, ui: UploadElements): ResultView {
  let overlay: SVGSVGElement | null = null;
  let outcome: ClassifyOutcome | null = null;
  let selected = 0;
  // The labels' size depends on the preview's size on screen: redraw when it changes.
  const resized = new ResizeObserver(() => outcome && drawBoxes(outcome.faces, selected));

  function busy(on: boolean, text = ''): void {
    ui.panel.setAttribute('aria-busy', String(on));
    ui.status.textContent = text;
  }

  function clear(): void {
    ui.error.hidden = true;
    ui.damagedNote.hidden = true;
    ui.noFace.hidden = true;
    ui.result.hidden = true;
    outcome = null;
  }

  function showError(view: ErrorView): void {
    clear();
    ui.errorTitle.textContent = view.title;
    ui.errorDetail.textContent = view.detail;
    ui.error.hidden = false;
  }

  function showPreview(prepared: Prepared): void {
    ui.stage.querySelector('.frame')?.remove();
    overlay = null;
    ui.noPreview.hidden = prepared.canvas !== null;
    ui.caption.textContent = prepared.caption;
    if (!prepared.canvas) return;
    const canvas = prepared.canvas;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Preview of your photo');
    // The overlay's viewBox is the uploaded image's pixel grid, which is the one the API's boxes use.
    overlay = doc.createElementNS(SVG_NS, 'svg');
    overlay.classList.add('overlay');
    overlay.setAttribute('viewBox', `0 0 ${canvas.width} ${canvas.height}`);
    overlay.setAttribute('preserveAspectRatio', 'none');
    overlay.setAttribute('aria-hidden', 'true');
    overlay.addEventListener('click', (e) => {
      const index = (e.target as Element).closest('[data-face]')?.getAttribute('data-face');
      if (index != null) selectFace(Number(index));
    });
    const frame = doc.createElement('div');
    frame.className = 'frame';
    frame.append(canvas, overlay);
    ui.stage.prepend(frame);
    resized.disconnect();
    resized.observe(frame);
  }

  function drawBoxes(faces: FaceResult[], selected: number): void {
    const canvas = ui.stage.querySelector('canvas');
    if (!overlay || !canvas) return;
    const svg = overlay;
    svg.replaceChildren();
    // Boxes are in the pixels of the image the server decoded: the canvas, unless it was resized on the way.
    const sx = outcome?.image ? canvas.width / outcome.image.width : 1;
    const sy = outcome?.image ? canvas.height / outcome.image.height : 1;
    const many = faces.length > 1;
    // Labels are 13 px on screen, however much the preview is scaled down.
    const shown = canvas.getBoundingClientRect().width || canvas.width;
    const fontSize = (13 * canvas.width) / shown;
    // The chosen face is drawn last, so that its label is on top where labels overlap.
    const order = faces
      .map((_, i) => i)
      .filter((i) => i !== selected)
      .concat(faces[selected] ? [selected] : []);
    for (const i of order) {
      const face = faces[i];
      const box = face.box && scaleBox(face.box, sx, sy);
      if (!box || (!many && coversImage(box, canvas.width, canvas.height))) continue;
      const isSelected = i === selected;
      const g = doc.createElementNS(SVG_NS, 'g');
      g.classList.add('face-box');
      g.setAttribute('data-face', String(i));
      const rect = doc.createElementNS(SVG_NS, 'rect');
      for (const [k, v] of Object.entries({ x: box.x, y: box.y, width: box.w, height: box.h, rx: Math.round(fontSize / 4) }))
        rect.setAttribute(k, String(v));
      rect.setAttribute('fill', isSelected ? 'rgba(67,56,202,0.08)' : 'rgba(0,0,0,0)');
      rect.setAttribute('stroke', isSelected ? '#4338ca' : '#ffffff');
      rect.setAttribute('stroke-width', isSelected ? '3' : '2');
      rect.setAttribute('vector-effect', 'non-scaling-stroke');
      // A dark halo keeps a white box visible on light backgrounds.
      const halo = rect.cloneNode() as SVGRectElement;
      halo.setAttribute('stroke', 'rgba(15,23,42,0.55)');
      halo.setAttribute('stroke-width', isSelected ? '5' : '4');
      halo.setAttribute('fill', 'none');
      // Several faces: short labels (the buttons carry the percentages), so neighbours overlap less.
      const named = face.uncertain ? `${face.emotion}?` : face.emotion;
      const label = many ? `${i + 1} ${named}` : `${named} ${formatPercent(face.confidence)}`;
      const padX = fontSize * 0.4;
      const labelW = label.length * fontSize * 0.58 + padX * 2;
      const labelH = fontSize * 1.45;
      const lx = Math.min(Math.max(0, box.x), canvas.width - labelW);
      const ly = box.y - labelH >= 0 ? box.y - labelH : Math.min(canvas.height - labelH, box.y + box.h);
      const tag = doc.createElementNS(SVG_NS, 'rect');
      for (const [k, v] of Object.entries({ x: lx, y: ly, width: labelW, height: labelH, rx: fontSize * 0.25 }))
        tag.setAttribute(k, String(v));
      tag.setAttribute('fill', isSelected ? '#4338ca' : 'rgba(15,23,42,0.82)');
      const text = doc.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', String(lx + padX));
      text.setAttribute('y', String(ly + labelH * 0.72));
      text.setAttribute('fill', '#fff');
      text.setAttribute('font-size', String(fontSize));
      text.setAttribute('font-weight', '600');
      text.setAttribute('font-family', 'system-ui, sans-serif');
      text.textContent = label;
      g.append(halo, rect, tag, text);
      svg.append(g);
    }
  }

  function showFace(face: FaceResult): void {
    // Under the API's threshold the label is not stated as a finding: "not sure", the best guess after it.
    ui.topEmotion.textContent = face.uncertain ? `Not sure (${face.emotion}?)` : capitalize(face.emotion);
    ui.topConfidence.textContent = formatPercent(face.confidence);
    const warning = qualityWarning(face.qualityIssues);
    ui.qualityWarning.textContent = warning ?? '';
    ui.qualityWarning.hidden = !warning;
    for (const item of Array.from(ui.bars.querySelectorAll<HTMLElement>('.bar'))) {
      const c = item.dataset.class as (typeof CLASSES)[number];
      const score = face.scores[c] ?? 0;
      item.classList.toggle('top', c === face.emotion);
      (item.querySelector('.bar-fill') as HTMLElement).style.width = `${(score * 100).toFixed(1)}%`;
      (item.querySelector('.bar-value') as HTMLElement).textContent = formatPercent(score);
    }
  }

  function selectFace(index: number): void {
    if (!outcome?.faces[index]) return;
    selected = index;
    showFace(outcome.faces[index]);
    drawBoxes(outcome.faces, index);
    const many = outcome.faces.length > 1;
    ui.resultLabel.textContent = many ? `Face ${index + 1}: apparent expression` : 'Apparent expression';
    for (const b of Array.from(ui.faceButtons.querySelectorAll('button')))
      b.setAttribute('aria-pressed', String(b.dataset.face === String(index)));
  }

  function showOutcome(o: ClassifyOutcome, onDevice?: string): void {
    clear();
    outcome = o;
    ui.damagedNote.hidden = !o.damaged;
    if (o.message) {
      ui.noFaceMessage.textContent = o.message;
      ui.noFace.hidden = false;
    }
    ui.meta.textContent = (
      onDevice
        ? ['Analyzed on this device: the photo did not leave your browser', o.serverMs != null && `${Math.round(o.serverMs)} ms`, onDevice]
        : [o.model && `Model ${o.model}`, o.serverMs != null && `server time ${Math.round(o.serverMs)} ms`]
    )
      .filter(Boolean)
      .join(' · ');
    if (!o.faces.length) {
      drawBoxes([], 0);
      return;
    }
    ui.faceButtons.replaceChildren(
      ...o.faces.map((f, i) => {
        const b = doc.createElement('button');
        b.type = 'button';
        b.className = 'button';
        b.dataset.face = String(i);
        const issues = f.qualityIssues.length ? ` · ${f.qualityIssues.join(' / ')}` : '';
        b.textContent = `Face ${i + 1}: ${f.uncertain ? `not sure (${f.emotion}?)` : f.emotion} ${formatPercent(f.confidence)}${issues}`;
        b.addEventListener('click', () => selectFace(i));
        return b;
      }),
    );
    ui.faceCount.textContent = `${o.faces.length} faces found, largest first. Choose one to see its scores.`;
    ui.facePicker.hidden = o.faces.length < 2;
    ui.result.hidden = false;
    selectFace(0);
  }

  function open(): boolean {
    const first = ui.workspace.hidden === true;
    ui.workspace.hidden = false;
    ui.dropzone.classList.add('compact');
    return first;
  }

  return { open, busy, clear, showError, showPreview, showOutcome };
}
