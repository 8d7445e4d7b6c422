/** Per-epoch progress bar: batches, running loss and accuracy, images per second, ETA. */
import cliProgress from 'cli-progress';

export class EpochProgress {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private batchSize = 0;

  constructor(private readonly quiet: boolean) {}

  start(epoch: number, epochs: number, steps: number, batchSize: number): void {
    if (this.quiet) return;
    this.started = Date.now();
    this.batchSize = batchSize;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch}/${epochs} |{bar}| {value}/{total} batches | loss {loss} acc {acc} | {rate} img/s | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 50,
        noTTYOutput: true,
        notTTYSchedule: 30_000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(steps, 0, { loss: '-', acc: '-', rate: '-' });
  }

  update(done: number, loss: number, acc: number): void {
    if (!this.bar) return;
    const rate = (done * this.batchSize) / ((Date.now() - this.started) / 1000);
    this.bar.update(done, { loss: loss.toFixed(4), acc: acc.toFixed(4), rate: rate.toFixed(1) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
