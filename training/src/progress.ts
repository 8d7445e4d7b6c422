/**
 * Progress of a run: a bar per epoch (batches, running loss and accuracy, images per second, the
 * epoch's ETA and the whole run's), and the run's ETA for the epoch summary lines. Estimates come
 * from this invocation's own pace (a resumed run on another machine does not inherit the old
 * one's) and read "-" until there is a step to measure, never "0s".
 */
import cliProgress from 'cli-progress';

/** Show the cursor and turn line wrap back on: what the bar turns off on a terminal. */
export const TERMINAL_RESET = '\x1b[?25h\x1b[?7h';

/** `1h05m`, `12m30s`, `42s`; "-" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The run's pace in this invocation: seconds per training step and per validation. */
export class RunClock {
  private stepSeconds = 0;
  private steps = 0;
  private valSeconds = 0;
  private validations = 0;

  /** `stepsPerEpoch` and the epochs this invocation will train fix what is left. */
  constructor(
    private readonly stepsPerEpoch: number,
    private readonly lastEpoch: number,
  ) {}

  step(seconds: number): void {
    this.stepSeconds += seconds;
    this.steps++;
  }

  validated(seconds: number): void {
    this.valSeconds += seconds;
    this.validations++;
  }

  /** Seconds left to the end of the run, standing at `done` steps into `epoch`; null before any step. */
  remaining(epoch: number, done: number): number | null {
    if (!this.steps) return null;
    const stepsLeft = this.stepsPerEpoch - done + (this.lastEpoch - epoch) * this.stepsPerEpoch;
    const validationsLeft = this.lastEpoch - epoch + (done < this.stepsPerEpoch ? 1 : 0);
    // Before the first validation, count it as long as one epoch's worth of steps over 10 (a guess that errs long).
    const perValidation = this.validations
      ? this.valSeconds / this.validations
      : (this.stepSeconds / this.steps) * this.stepsPerEpoch * 0.1;
    return (this.stepSeconds / this.steps) * stepsLeft + perValidation * validationsLeft;
  }
}

export class EpochProgress {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private lastStep = 0;
  private batchSize = 0;
  private epoch = 0;
  private steps = 0;

  constructor(
    private readonly quiet: boolean,
    private readonly clock: RunClock,
  ) {}

  start(epoch: number, epochs: number, steps: number, batchSize: number): void {
    this.started = Date.now();
    this.lastStep = this.started;
    this.batchSize = batchSize;
    this.epoch = epoch;
    this.steps = steps;
    if (this.quiet) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${epochs} |{bar}| {value}/{total} batches | loss {loss} acc {acc} | {rate} img/s | epoch ETA {epoch_eta} | run ETA {run_eta}`,
        barsize: 24,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 30_000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(steps, 0, { loss: '-', acc: '-', rate: '-', epoch_eta: '-', run_eta: formatDuration(this.clock.remaining(epoch, 0)) });
  }

  update(done: number, loss: number, acc: number): void {
    const now = Date.now();
    this.clock.step((now - this.lastStep) / 1000);
    this.lastStep = now;
    if (!this.bar) return;
    const elapsed = (now - this.started) / 1000;
    this.bar.update(done, {
      loss: loss.toFixed(4),
      acc: acc.toFixed(4),
      rate: ((done * this.batchSize) / elapsed).toFixed(1),
      epoch_eta: formatDuration((elapsed / done) * (this.steps - done)),
      run_eta: formatDuration(this.clock.remaining(this.epoch, done)),
    });
  }

  /** Stops the bar; on a terminal this shows the cursor and turns line wrap back on. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
