/**
 * The video bundle, imported by the upload page when a video file is chosen: the file opened in a
 * <video> (a clear message when the browser cannot decode it), ORT and the models loaded as
 * on-device mode loads them, the analysis with its progress bar and Cancel, then the player with
 * its tracked faces, the timelines and the downloads. A new file, or a photo, stops the last run.
 */
import { formatClock, VIDEO_DEFAULT_RATE, VIDEO_MAX_RATE, VIDEO_MIN_RATE } from '../../lib/timeline-view';
import { videoElements } from '../elements';
import { runtimeWithProgress } from '../ondevice/page';
import { analyzeVideo, type VideoAnalysis } from './analysis';
import { openVideo, VideoFileError } from './frames';
import { mountPlayer, type Player } from './player';
import { renderTimeline } from './results';

const ui = videoElements;

/** The current file: its object URL, and the run and player to stop when another comes. */
let current: { url: string; file: File; run: AbortController | null; player: Player | null } | null = null;
let wired = false;

function chosenRate(input: HTMLInputElement): number {
  const v = Number(input.value);
  const rate = Number.isFinite(v) && v > 0 ? Math.min(VIDEO_MAX_RATE, Math.max(VIDEO_MIN_RATE, v)) : VIDEO_DEFAULT_RATE;
  input.value = String(rate);
  return rate;
}

const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Stops any analysis and playback and hides the view (a photo was chosen instead). */
export function closeVideo(): void {
  if (!current) return;
  current.run?.abort();
  current.player?.dispose();
  const u = ui();
  u.player.removeAttribute('src');
  u.player.load();
  URL.revokeObjectURL(current.url);
  current = null;
  u.section.hidden = true;
}

/** Analyses `file` on this device at the rate in the page's field, and shows the result. */
export async function analyzeVideoFile(file: File): Promise<void> {
  closeVideo();
  const u = ui();
  if (!wired) {
    wired = true;
    u.cancel.addEventListener('click', () => current?.run?.abort());
    u.rerun.addEventListener('click', () => current && void run(current.file, current.url));
  }
  const url = URL.createObjectURL(file);
  current = { url, file, run: null, player: null };
  u.section.hidden = false;
  u.section.scrollIntoView({ block: 'start' });
  await run(file, url);
}

async function run(file: File, url: string): Promise<void> {
  const u = ui();
  const me = current;
  if (!me) return;
  me.run?.abort();
  me.player?.dispose();
  me.player = null;
  u.player.pause();
  const controller = new AbortController();
  me.run = controller;
  const stale = () => current !== me || me.run !== controller;
  const name = file.name || 'video';
  u.caption.textContent = `${name} · ${kb(file.size)}`;
  u.error.hidden = true;
  u.result.hidden = true;
  u.rerun.hidden = true;
  u.status.textContent = 'Opening the video…';
  const fail = (message: string) => {
    if (stale()) return;
    u.status.textContent = '';
    u.progressBox.hidden = true;
    u.error.textContent = message;
    u.error.hidden = false;
    me.run = null;
  };
  let video: HTMLVideoElement;
  try {
    video = await openVideo(url, name);
  } catch (e) {
    return fail(e instanceof VideoFileError ? e.message : `The video could not be opened: ${(e as Error).message}`);
  }
  // The reading element holds decoded frames: let it go as soon as this run is over or replaced.
  const release = () => {
    video.removeAttribute('src');
    video.load();
  };
  if (stale()) return release();
  const rate = chosenRate(u.rate);
  const duration = video.duration;
  u.caption.textContent = `${name} · ${kb(file.size)} · ${video.videoWidth}×${video.videoHeight}, ${formatClock(video.duration)}`;
  u.status.textContent = 'Loading the on-device model…';
  let rt: Awaited<ReturnType<typeof runtimeWithProgress>>;
  try {
    rt = await runtimeWithProgress();
  } catch (e) {
    release();
    return fail(`${(e as Error).message || 'The on-device model could not be loaded.'} Videos are analysed on this device only.`);
  }
  if (stale()) return release();
  u.status.textContent = '';
  u.progress.max = 1;
  u.progress.value = 0;
  u.progressText.textContent = 'Starting…';
  u.progressBox.hidden = false;
  u.cancel.disabled = false;
  let analysis: VideoAnalysis;
  try {
    analysis = await analyzeVideo(rt, video, rate, controller.signal, (p) => {
      if (stale()) return;
      u.progress.max = p.total;
      u.progress.value = p.done;
      u.progressText.textContent = `${p.done} of ${p.total} frames · ${p.framesPerSecond.toFixed(1)} frames/s · about ${Math.ceil(p.secondsLeft)} s left`;
    });
  } catch (e) {
    return fail(e instanceof VideoFileError ? e.message : `The analysis failed: ${(e as Error).message}`);
  } finally {
    release();
  }
  if (stale()) return;
  me.run = null;
  u.progressBox.hidden = true;
  u.rerun.hidden = false;
  u.status.textContent = analysis.cancelled
    ? `Cancelled at ${formatClock(analysis.until)} (${analysis.frames} of ${analysis.total} frames): the results so far are below.`
    : '';
  showResult(file, url, duration, analysis);
}

function showResult(file: File, url: string, duration: number, a: VideoAnalysis): void {
  const u = ui();
  const me = current;
  if (!me) return;
  u.result.hidden = false;
  const perFrame = (ms: number) => (ms / Math.max(1, a.frames)).toFixed(1);
  u.meta.textContent =
    `Analysed on this device: ${a.frames} frames (${a.rate} a second) in ${(a.ms / 1000).toFixed(1)} s, ` +
    `${((a.frames * 1000) / Math.max(1, a.ms)).toFixed(1)} frames/s. A frame: seeking ${perFrame(a.seekMs)} ms, ` +
    `analysis ${perFrame(a.analysisMs)} ms, tracking and smoothing ${(a.trackingMs / Math.max(1, a.frames)).toFixed(3)} ms.`;
  if (u.player.src !== url) u.player.src = url;
  const view = renderTimeline(u.timeline, a.timeline, {
    fileBase: (file.name || 'video').replace(/\.[^.]*$/, ''),
    settings: { source: file.name || 'video', sample_fps: a.rate, analysed_s: a.until, complete: !a.cancelled },
    domain: [0, duration],
    seek: (t) => me.player?.seek(t),
  });
  me.player = mountPlayer(u.player, u.overlay, a.timeline, a.rate, (t) => view.playhead(t));
}
