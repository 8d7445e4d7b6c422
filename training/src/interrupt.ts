/**
 * Ctrl-C during training: stop the bar (which gives the terminal back its cursor and line wrap),
 * say where the run stands and how to continue it, exit 130 (128 + SIGINT, what shells expect).
 * Checkpoints are written whole at the end of an epoch (write and rename), so nothing on disk is
 * torn; the epoch in progress is lost and `--resume` trains it again from its start.
 */
import { shown } from './cli-paths.ts';
import { type EpochProgress, TERMINAL_RESET } from './progress.ts';

/** Where a run stands, kept up to date by the training loop. */
export interface RunStatus {
  /** The run folder, absolute (null before it is known). */
  dir: string | null;
  /** The epoch being trained or validated (0 before the first). */
  epoch: number;
  /** The last epoch whose checkpoint is on disk (0: none). */
  checkpointed: number;
  progress: EpochProgress | null;
}

export function newRunStatus(): RunStatus {
  return { dir: null, epoch: 0, checkpointed: 0, progress: null };
}

export function interruptMessage(s: RunStatus): string {
  if (!s.dir || s.epoch === 0) return 'interrupted before training started; nothing was trained.';
  if (s.checkpointed === 0)
    return `interrupted in epoch ${s.epoch}; no epoch finished, so there is no checkpoint to resume: run the same command again to start over.`;
  return `interrupted in epoch ${s.epoch}; \`--resume ${shown(s.dir)}\` continues from epoch ${s.checkpointed}'s checkpoint (epoch ${s.epoch} starts again).`;
}

/**
 * Installs the Ctrl-C handler for a training run (the CLI's, not the library's: tests call train()
 * in-process). The script runs under plain `node --import tsx`: the tsx command relays Ctrl-C to its
 * child and SIGKILLs it when it has not answered within 60 ms, which a busy training step never does.
 * Ctrl-C reaches the process twice under npm (from the terminal and relayed by npm): the first one counts.
 */
export function exitCleanlyOnInterrupt(status: RunStatus): void {
  let heard = false;
  process.on('SIGINT', () => {
    if (heard) return;
    heard = true;
    status.progress?.stop();
    if (process.stderr.isTTY) process.stderr.write(TERMINAL_RESET);
    process.stderr.write(`\n${interruptMessage(status)}\n`);
    process.exit(130);
  });
}
