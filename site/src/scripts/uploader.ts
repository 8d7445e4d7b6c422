/**
 * The upload page: pick, drop or paste a photo; shrink it in the browser; POST it to /classify
 * ("At the edge") or analyze it in the browser ("On this device", ./ondevice/, loaded with
 * import() on first use); show the answer with a box per face. Nothing is kept: no storage, no
 * cookies, and a new photo cancels the work on the previous one. The live camera view is on-device only.
 * A video file goes to ./video/ (loaded with import() when one is first chosen), on device only.
 */

import type { CLASSES } from '@emotion/core/classes';
// The emotion-edge package's client, from its sources as the site builds core's: the page's
// POST /classify is what the package's users get (typed errors, retries of 503s and dropped
// connections, Retry-After on a 429).
import { createClient, EmotionEdgeError } from '../../../package/src/client/index.ts';
import {
  type ClassifyOutcome,
  capitalize,
  coversImage,
  describeError,
  type ErrorView,
  type FaceResult,
  fitWithin,
  formatPercent,
  MAX_UPLOAD_SIDE,
  NETWORK_ERROR,
  qualityWarning,
  readOutcome,
  scaleBox,
  UPLOAD_JPEG_QUALITY,
} from '../lib/classify';

/** Where the API lives: the same origin unless PUBLIC_API_BASE was set at build time. */
const API_BASE = (import.meta.env.PUBLIC_API_BASE ?? '').replace(/\/+$/, '');
const api = createClient({
  baseUrl: API_BASE || location.origin,
  // No cookies to the API, whatever its origin.
  fetch: (url, init) => fetch(url, { ...init, credentials: 'omit' }),
});
const SVG_NS = 'http://www.w3.org/2000/svg';

type OnDevice = typeof import('./ondevice/index');
let onDevice: Promise<OnDevice> | null = null;
/** The on-device bundle (ORT's JavaScript comes later, with the models): fetched once, on first use. */
const loadOnDevice = () =>
  (onDevice ??= import('./ondevice/index').catch((e) => {
    onDevice = null;
    throw e;
  }));

type VideoBundle = typeof import('./video/index');
let videoBundle: Promise<VideoBundle> | null = null;
/** The video view's bundle (and, through it, the on-device one): fetched when a video is first chosen. */
const loadVideo = () =>
  (videoBundle ??= import('./video/index').catch((e) => {
    videoBundle = null;
    throw e;
  }));

/** A video by its type, or by its name where the browser gives no type. */
export const isVideoFile = (file: File): boolean =>
  file.type.startsWith('video/') || (!file.type && /\.(webm|mp4|m4v|mov|mkv|ogv)$/i.test(file.name));

interface Prepared {
  body: Blob;
  filename: string;
  /** The downscaled image as sent; null when the browser could not decode the file. */
  canvas: HTMLCanvasElement | null;
  caption: string;
}

function kb(bytes: number): string {
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

/**
 * Decodes the photo (EXIF orientation applied), draws it at most MAX_UPLOAD_SIDE px on its longest
 * side over white (JPEG has no alpha), and re-encodes it as JPEG: smaller, any format the browser
 * reads becomes one the API accepts, and the photo's metadata (location, camera) is not sent.
 * What the browser cannot decode goes as it is, so that the API says what is wrong with it.
 */
async function prepare(file: File, onDevice: boolean): Promise<Prepared> {
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
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw images.');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, fit.width, fit.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, fit.width, fit.height);
  bitmap.close();
  const body = await canvasToBlob(canvas);
  const resized = fit.scale < 1 ? `, shrunk from ${original.width}×${original.height}` : '';
  return {
    body,
    filename: (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg',
    canvas,
    caption: `${onDevice ? 'Analyzed in your browser' : 'Sent'} as a ${fit.width}×${fit.height} JPEG, ${kb(body.size)}${resized}. Original ${kb(file.size)}.`,
  };
}

function el<T extends HTMLElement>(root: Document, id: string): T {
  const node = root.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

export function mountUploader(doc: Document): void {
  const ui = {
    dropzone: el(doc, 'dropzone'),
    inputs: [el<HTMLInputElement>(doc, 'file-input'), el<HTMLInputElement>(doc, 'camera-input')],
    workspace: el(doc, 'workspace'),
    stage: el(doc, 'stage'),
    noPreview: el(doc, 'no-preview'),
    caption: el(doc, 'preview-caption'),
    panel: el(doc, 'panel'),
    status: el(doc, 'status'),
    error: el(doc, 'error'),
    errorTitle: el(doc, 'error-title'),
    errorDetail: el(doc, 'error-detail'),
    noFace: el(doc, 'no-face'),
    noFaceMessage: el(doc, 'no-face-message'),
    result: el(doc, 'result'),
    resultLabel: el(doc, 'result-label'),
    topEmotion: el(doc, 'top-emotion'),
    qualityWarning: el(doc, 'quality-warning'),
    topConfidence: el(doc, 'top-confidence'),
    facePicker: el(doc, 'face-picker'),
    faceCount: el(doc, 'face-count'),
    faceButtons: el(doc, 'face-buttons'),
    bars: el(doc, 'bars'),
    meta: el(doc, 'meta'),
    modes: Array.from(doc.querySelectorAll<HTMLInputElement>('input[name="mode"]')),
    deviceError: el(doc, 'ondevice-error'),
    cameraButton: el<HTMLButtonElement>(doc, 'camera-button'),
  };

  let inFlight: AbortController | null = null;
  let overlay: SVGSVGElement | null = null;
  let outcome: ClassifyOutcome | null = null;
  let selected = 0;
  // The labels' size depends on the preview's size on screen: redraw when it changes.
  const resized = new ResizeObserver(() => outcome && drawBoxes(outcome.faces, selected));

  function setBusy(busy: boolean, text = ''): void {
    ui.panel.setAttribute('aria-busy', String(busy));
    ui.status.textContent = text;
  }

  function clearResult(): void {
    ui.error.hidden = true;
    ui.noFace.hidden = true;
    ui.result.hidden = true;
    outcome = null;
  }

  function showError(view: ErrorView): void {
    clearResult();
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

  /** `onDevice`: how it ran in the browser (its threads), for the line under the bars; absent for the edge's answer. */
  function showOutcome(o: ClassifyOutcome, onDevice?: string): void {
    clearResult();
    outcome = o;
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

  function analyzeVideo(file: File): void {
    inFlight?.abort();
    inFlight = null;
    setBusy(false);
    ui.workspace.hidden = true;
    ui.dropzone.classList.add('compact');
    loadVideo().then(
      (v) => v.analyzeVideoFile(file),
      () => {
        ui.deviceError.textContent = 'The video code could not be loaded: check your connection and try again. Photos still work.';
        ui.deviceError.hidden = false;
      },
    );
  }

  async function classify(file: File): Promise<void> {
    if (isVideoFile(file)) return analyzeVideo(file);
    videoBundle?.then((v) => v.closeVideo()).catch(() => {});
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const firstPhoto = ui.workspace.hidden;
    ui.workspace.hidden = false;
    ui.dropzone.classList.add('compact');
    clearResult();
    // On a phone the result sits below the fold: bring it up once, for the first photo.
    if (firstPhoto && ui.workspace.getBoundingClientRect().top > (doc.defaultView?.innerHeight ?? 0) * 0.6) {
      const reduce = doc.defaultView?.matchMedia('(prefers-reduced-motion: reduce)').matches;
      ui.workspace.scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'start' });
    }
    setBusy(true, 'Preparing your photo…');
    try {
      const prepared = await prepare(file, mode() === 'device');
      if (controller.signal.aborted) return;
      showPreview(prepared);
      if (mode() === 'device') {
        const od = await loadOnDevice().catch(() => null);
        if (controller.signal.aborted) return;
        if (!od)
          return showError({
            title: 'On-device mode could not start',
            detail: 'Its code could not be loaded: check your connection, or choose “At the edge”.',
            code: 'network',
          });
        const done = await od.classifyPhoto(prepared.body, (text) => setBusy(true, text));
        if (controller.signal.aborted) return;
        if ('error' in done) showError(done.error);
        else showOutcome(readOutcome(done.answer), `${done.answer.threads === 1 ? '1 thread' : `${done.answer.threads} threads`}`);
        return;
      }
      setBusy(true, 'Analyzing…');
      let answer: unknown;
      try {
        answer = await api.classify(prepared.body, {}, { signal: controller.signal });
      } catch (e) {
        if (controller.signal.aborted) return;
        if (!(e instanceof EmotionEdgeError)) throw e;
        if (e.status === null) showError(NETWORK_ERROR);
        else showError(describeError(e.status, e.code === 'bad_response' ? null : { error: { code: e.code, message: e.message } }));
        return;
      }
      if (controller.signal.aborted) return;
      showOutcome(readOutcome(answer));
    } catch (e) {
      if (!controller.signal.aborted) showError({ title: 'Something went wrong', detail: (e as Error).message, code: null });
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        setBusy(false);
      }
    }
  }

  const mode = (): 'edge' | 'device' => (ui.modes.find((m) => m.checked)?.value === 'device' ? 'device' : 'edge');
  const bundleFailed = () => {
    ui.deviceError.textContent = 'The on-device code could not be loaded: check your connection. “At the edge” still works.';
    ui.deviceError.hidden = false;
  };

  for (const m of ui.modes)
    m.addEventListener('change', () => {
      if (!m.checked) return;
      if (m.value === 'device') loadOnDevice().then((od) => od.prefetch(), bundleFailed);
      else ui.deviceError.hidden = true;
    });
  ui.cameraButton.addEventListener('click', () => void loadOnDevice().then((od) => od.toggleCamera(), bundleFailed));

  function takeFirst(files: FileList | null | undefined): void {
    const file = files?.[0];
    if (file) void classify(file);
  }

  for (const input of ui.inputs)
    input.addEventListener('change', () => {
      takeFirst(input.files);
      input.value = '';
    });

  // Drops anywhere on the page count; the drop zone lights up while a file is over the page.
  let dragDepth = 0;
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  doc.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    dragDepth++;
    ui.dropzone.classList.add('dragging');
  });
  doc.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) ui.dropzone.classList.remove('dragging');
  });
  doc.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  doc.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    ui.dropzone.classList.remove('dragging');
    takeFirst(e.dataTransfer?.files);
  });

  doc.addEventListener('paste', (e) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    const file = files.find((f) => f.type.startsWith('image/')) ?? files[0];
    if (!file) return;
    e.preventDefault();
    void classify(file);
  });
}
