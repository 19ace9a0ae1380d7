import type { FinishedRequest, RequestSink } from '../../requests/request-journal.js';
import type { RouteTarget } from '../../shared/contracts.js';
import type { FromWorker, UpstreamReport } from './messages.js';

/** How often a worker sends what it served to the daemon: one message per interval, never one per request. */
const FLUSH_INTERVAL_MS = 25;
/** A batch this large goes at once, so a burst does not build one huge message. */
const MAX_BATCH = 2000;

/**
 * A worker's finished requests and passive-health reports, batched for the daemon, which records
 * them (stats, access log, inspector, tracing, passive health) as if it had served them.
 */
export class WorkerOutbox implements RequestSink {
  private requests: FinishedRequest[] = [];
  private reports: UpstreamReport[] = [];
  /** Targets whose last report in this batch was an answer with this status (a run is sent once). */
  private lastAnswer = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly tracing: boolean,
    private readonly send: (message: FromWorker) => void,
  ) {}

  record(request: FinishedRequest): void {
    this.requests.push(request);
    if (this.requests.length >= MAX_BATCH) this.flush();
    else this.schedule();
  }

  report(target: RouteTarget, status: number, failure?: string): void {
    const key = `${target.service} ${target.instance} ${target.port}`;
    // A 5xx may count as a failure (health.passive.count5xx): only answers below 500 are collapsed.
    if (failure === undefined && status > 0 && status < 500) {
      if (this.lastAnswer.get(key) === status) return;
      this.lastAnswer.set(key, status);
    } else this.lastAnswer.delete(key);
    this.reports.push([target, status, failure ?? null]);
    this.schedule();
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.requests.length === 0 && this.reports.length === 0) return;
    const message: FromWorker = { type: 'batch', requests: this.requests, reports: this.reports };
    this.requests = [];
    this.reports = [];
    this.lastAnswer = new Map();
    this.send(message);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }
}
