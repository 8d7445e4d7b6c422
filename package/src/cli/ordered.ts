/**
 * Runs tasks `concurrency` at a time and hands their results on in the order they were submitted.
 * submit() waits while `window` results are in flight or waiting for an earlier one, so memory
 * stays bounded however many files there are (one slow image holds back at most `window` others).
 */
export class Ordered<R> {
  private submitted = 0;
  private emitted = 0;
  private running = 0;
  private readonly done = new Map<number, R>();
  private wakers: (() => void)[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly concurrency: number,
    private readonly window: number,
    private readonly emit: (result: R) => void | Promise<void>,
  ) {}

  private wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** Starts the task once there is room; resolves when it has started. */
  async submit(task: () => Promise<R>): Promise<void> {
    while (this.running >= this.concurrency || this.submitted - this.emitted >= this.window)
      await new Promise<void>((r) => this.wakers.push(r));
    const index = this.submitted++;
    this.running++;
    task().then((result) => {
      this.running--;
      this.done.set(index, result);
      this.chain = this.chain.then(() => this.flush());
      this.wake();
    });
  }

  private async flush(): Promise<void> {
    while (this.done.has(this.emitted)) {
      const result = this.done.get(this.emitted) as R;
      this.done.delete(this.emitted);
      await this.emit(result);
      this.emitted++;
      this.wake();
    }
  }

  /** Resolves once every submitted task's result has been handed on. */
  async finish(): Promise<void> {
    while (this.emitted < this.submitted) {
      await new Promise<void>((r) => this.wakers.push(r));
      await this.chain;
    }
    await this.chain;
  }
}
