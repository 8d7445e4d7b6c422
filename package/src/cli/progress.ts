/** The progress bar on standard error (cli-progress): done of total, rate, ETA, failures. Nothing when off. */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(failed: number): void;
  stop(): void;
}

export function openProgress(on: boolean, total: number): Progress {
  if (!on) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | {failed} failed',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  bar.start(total, 0, { rate: '0.0', failed: 0 });
  let done = 0;
  return {
    tick(failed) {
      done++;
      bar.update(done, { rate: ((done * 1000) / (performance.now() - t0)).toFixed(1), failed });
    },
    stop: () => bar.stop(),
  };
}
