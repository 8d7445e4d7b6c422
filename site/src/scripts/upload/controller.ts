/**
 * The upload page's controller: pick, drop or paste a photo; shrink it in the browser; POST it to
 * /classify ("At the edge") or analyze it in the browser ("On this device", ../ondevice/, loaded
 * with import() on first use); hand the answer to the result view. Nothing is kept: no storage, no
 * cookies, and a new photo cancels the work on the previous one. A video file goes to ../video/
 * (loaded with import() when one is first chosen), on device only; so does the live camera.
 */

// The emotion-edge package's client, from its sources as the site builds core's: the page's
// POST /classify is what the package's users get (typed errors, retries of 503s and dropped
// connections, Retry-After on a 429).
import { createClient, EmotionEdgeError } from '../../../../package/src/client/index.ts';
import { type ClassifyOutcome, describeError, type ErrorView, NETWORK_ERROR, readOutcome } from '../../lib/classify';
import { uploadElements } from '../elements';
import { prepare } from './prepare';
import { resultView } from './result-view';

/** Where the API lives: the same origin unless PUBLIC_API_BASE was set at build time. */
const API_BASE = (import.meta.env.PUBLIC_API_BASE ?? '').replace(/\/+$/, '');
const api = createClient({
  baseUrl: API_BASE || location.origin,
  // No cookies to the API, whatever its origin.
  fetch: (url, init) => fetch(url, { ...init, credentials: 'omit' }),
});

/** A bundle fetched with import() once, on first use; a failed fetch is tried again next time. */
function onDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((e) => {
      pending = null;
      throw e;
    }));
}
/** The on-device bundle (ORT's JavaScript comes later, with the models). */
const loadOnDevice = onDemand(() => import('../ondevice/index'));
/** The video view's bundle (and, through it, the on-device one). */
const loadVideo = onDemand(() => import('../video/index'));
const loadDamageCheck = onDemand(() => import('./damaged'));
let videoLoaded = false;

/** A video by its type, or by its name where the browser gives no type. */
export const isVideoFile = (file: File): boolean =>
  file.type.startsWith('video/') || (!file.type && /\.(webm|mp4|m4v|mov|mkv|ogv)$/i.test(file.name));

/** Whether the original of a re-encoded photo was a damaged JPEG (false for anything else, or when the check cannot load). */
async function originalDamaged(file: File): Promise<boolean> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  return loadDamageCheck().then(
    (m) => m.jpegDamaged(bytes),
    () => false,
  );
}

export function mountUploader(doc: Document): void {
  const ui = uploadElements(doc);
  const view = resultView(doc, ui);
  let inFlight: AbortController | null = null;

  const mode = (): 'edge' | 'device' => (ui.modes.find((m) => m.checked)?.value === 'device' ? 'device' : 'edge');
  // The line under the mode choice is on-device mode's; the controller writes it when that bundle cannot load.
  function showDeviceError(message: string | null): void {
    ui.deviceError.textContent = message ?? '';
    ui.deviceError.hidden = !message;
  }
  const bundleFailed = () => showDeviceError('The on-device code could not be loaded: check your connection. “At the edge” still works.');

  function analyzeVideo(file: File): void {
    inFlight?.abort();
    inFlight = null;
    view.busy(false);
    ui.workspace.hidden = true;
    ui.dropzone.classList.add('compact');
    videoLoaded = true;
    loadVideo().then(
      (v) => v.analyzeVideoFile(file),
      () => showDeviceError('The video code could not be loaded: check your connection and try again. Photos still work.'),
    );
  }

  /** The answer for a prepared photo, on this device or from the API; an outcome to show, or the error view. */
  async function analyze(
    body: Blob,
    signal: AbortSignal,
  ): Promise<{ outcome: ClassifyOutcome; onDevice?: string } | { error: ErrorView } | null> {
    if (mode() === 'device') {
      const od = await loadOnDevice().catch(() => null);
      if (signal.aborted) return null;
      if (!od)
        return {
          error: {
            title: 'On-device mode could not start',
            detail: 'Its code could not be loaded: check your connection, or choose “At the edge”.',
            code: 'network',
          },
        };
      const done = await od.classifyPhoto(body, (text) => view.busy(true, text));
      if ('error' in done) return done;
      return { outcome: readOutcome(done.answer), onDevice: done.answer.threads === 1 ? '1 thread' : `${done.answer.threads} threads` };
    }
    view.busy(true, 'Analyzing…');
    try {
      return { outcome: readOutcome(await api.classify(body, {}, { signal })) };
    } catch (e) {
      if (signal.aborted) return null;
      if (!(e instanceof EmotionEdgeError)) throw e;
      if (e.status === null) return { error: NETWORK_ERROR };
      return { error: describeError(e.status, e.code === 'bad_response' ? null : { error: { code: e.code, message: e.message } }) };
    }
  }

  async function classify(file: File): Promise<void> {
    if (isVideoFile(file)) return analyzeVideo(file);
    if (videoLoaded)
      loadVideo().then(
        (v) => v.closeVideo(),
        () => {},
      );
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const first = view.open();
    view.clear();
    // On a phone the result sits below the fold: bring it up once, for the first photo.
    if (first && ui.workspace.getBoundingClientRect().top > (doc.defaultView?.innerHeight ?? 0) * 0.6) {
      const reduce = doc.defaultView?.matchMedia('(prefers-reduced-motion: reduce)').matches;
      ui.workspace.scrollIntoView({ behavior: reduce ? 'auto' : 'smooth', block: 'start' });
    }
    view.busy(true, 'Preparing your photo…');
    try {
      const prepared = await prepare(file, mode() === 'device');
      if (controller.signal.aborted) return;
      view.showPreview(prepared);
      // A re-encoded photo hides the damage the browser decoded around; a file sent as it is, the answer reports itself.
      const damaged = prepared.canvas ? originalDamaged(file).catch(() => false) : Promise.resolve(false);
      const result = await analyze(prepared.body, controller.signal);
      if (!result || controller.signal.aborted) return;
      if ('error' in result) return view.showError(result.error);
      const { outcome, onDevice } = result;
      view.showOutcome({ ...outcome, damaged: outcome.damaged || (await damaged) }, onDevice);
    } catch (e) {
      if (!controller.signal.aborted) view.showError({ title: 'Something went wrong', detail: (e as Error).message, code: null });
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        view.busy(false);
      }
    }
  }

  for (const m of ui.modes)
    m.addEventListener('change', () => {
      if (!m.checked) return;
      if (m.value === 'device') loadOnDevice().then((od) => od.prefetch(), bundleFailed);
      else showDeviceError(null);
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
