/**
 * Collects items as they arrive and hands them over in one batch at most every `intervalMs`,
 * so a flood of events costs one state update (and one render) per interval. Idle costs nothing:
 * the timer only runs while something is waiting.
 */
export class EventBatcher<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    /** Keep at most this many waiting items (the newest); older ones are dropped. */
    private readonly maxPending = Number.POSITIVE_INFINITY,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    if (this.pending.length > this.maxPending * 2) this.pending = this.pending.slice(-this.maxPending);
    this.timer ??= setTimeout(() => this.deliver(), this.intervalMs);
  }

  /** Keep only the waiting items `keep` accepts (e.g. drop the events a fresh snapshot supersedes). */
  retain(keep: (item: T) => boolean): void {
    this.pending = this.pending.filter(keep);
  }

  /** Take what waits now, without waiting for the timer. */
  drain(): T[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending = [];
  }

  private deliver(): void {
    this.timer = undefined;
    if (this.closed || this.pending.length === 0) return;
    const batch = this.pending.length > this.maxPending ? this.pending.slice(-this.maxPending) : this.pending;
    this.pending = [];
    this.flush(batch);
  }
}
