/** The analysis threads (./job.ts, built to dist/cli-job.js): each runs one request at a time. */
import { Worker } from 'node:worker_threads';
import { optOutOfOrtTelemetry } from '@emotion/core/ort';
import type { JobReply, JobRequest } from './protocol.ts';

type Pending = (reply: JobReply) => void;
type Request = JobRequest extends infer R ? (R extends JobRequest ? Omit<R, 'id'> : never) : never;

export class ThreadPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker | null) => void)[] = [];
  private alive: number;
  /** Each busy thread's request and whom to answer. */
  private readonly busy = new Map<Worker, { id: number; done: Pending }>();
  private readonly all: Worker[] = [];
  private nextId = 0;

  constructor(size: number, script = new URL('./cli-job.js', import.meta.url)) {
    this.alive = size;
    // Here, in the main thread: a thread's own process.env never reaches the runtime's getenv.
    optOutOfOrtTelemetry();
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.on('message', (reply: JobReply) => {
        const job = this.busy.get(w);
        this.busy.delete(w);
        this.release(w);
        job?.done(reply);
      });
      w.on('error', (err) => {
        // A thread that dies fails the image it held and is not used again; the others go on.
        const job = this.busy.get(w);
        this.busy.delete(w);
        job?.done({ id: job.id, ok: false, error: { code: 'internal_error', message: err.message } });
        if (--this.alive === 0) for (const next of this.waiting.splice(0)) next(null);
      });
      this.all.push(w);
      this.idle.push(w);
    }
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async run(req: Request, transfer: ArrayBuffer[] = []): Promise<JobReply> {
    const id = this.nextId++;
    const w = this.idle.pop() ?? (this.alive ? await new Promise<Worker | null>((r) => this.waiting.push(r)) : null);
    if (!w) return { id, ok: false, error: { code: 'internal_error', message: 'Every analysis thread has failed.' } };
    return new Promise<JobReply>((resolve) => {
      this.busy.set(w, { id, done: resolve });
      w.postMessage({ ...req, id }, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
