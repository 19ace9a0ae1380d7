import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestRecord, type RequestHeaders } from '../../protocol/index.js';
import { LogFileWriter } from '../logs/log-file-writer.js';
import { rawHost } from '../proxy/route-match.js';
import type { TraceContext } from '../proxy/trace-context.js';
import type { RequestTracer } from '../tracing/request-tracer.js';
import { loggedServiceNames, SAFE_NAME } from '../logs/log-store.js';
import { tailFiles } from '../logs/tail-files.js';
import { BoundedList } from './bounded-list.js';
import { headerPairs, maskedRawHeaders } from './header-capture.js';

export interface RequestJournalOptions {
  /** `HERVE_HOME/logs/access`: one `<service>.log` each, JSON lines. */
  dir: string;
  tracer?: RequestTracer | null;
  maxFileBytes?: number;
  keepFiles?: number;
  /** Requests per service kept in memory for fast reads (default RECENT_PER_SERVICE). */
  recentPerService?: number;
  /** Requests per service whose headers are kept, masked (default 100). */
  headersPerService?: number;
}

/** What the proxy hands over once a request is over: its record, and what only the journal needs. */
export interface FinishedRequest {
  record: RequestRecord;
  trace: TraceContext;
  /** `/<name>` when routed by path prefix, null when routed by Host. */
  prefix: string | null;
  /** The request's raw headers; masked before anything keeps them. */
  rawHeaders: string[];
}

/** Where the proxy hands each finished request: the journal itself, or (in a front-door worker) a batch for the daemon's. */
export interface RequestSink {
  /** Whether the front door's own span is exported (then it is the service's parent span). */
  readonly tracing: boolean;
  record(request: FinishedRequest): void;
}

export interface RecentQuery {
  service?: string;
  lines: number;
  accept: (record: RequestRecord) => boolean;
}

type RequestListener = (record: RequestRecord) => void;

/** One kept request's headers, masked, still flat: made into pairs only when someone asks. */
interface KeptHeaders {
  requestId: string;
  rawHeaders: readonly string[];
}

/**
 * As many as the dashboard asks for as its backlog (`use-request-stream.ts`); older requests are read from the access log.
 * Every record kept here survives the young generation's collections, which under load cost the
 * front door more than the record itself (README, Performance).
 */
const RECENT_PER_SERVICE = 200;
const HEADERS_PER_SERVICE = 100;

/**
 * Every proxied request, recorded once: queued on the hot path, then (next tick, in a batch)
 * appended to the access log, kept in memory with its masked headers, pushed to listeners and
 * exported as a span when tracing is on.
 */
export class RequestJournal implements RequestSink {
  private pending: FinishedRequest[] = [];
  private scheduled = false;
  private readonly writers = new Map<string, LogFileWriter>();
  private readonly recent = new Map<string, BoundedList<RequestRecord>>();
  private readonly headers = new Map<string, BoundedList<KeptHeaders>>();
  private readonly listeners = new Set<RequestListener>();
  private readonly tracer: RequestTracer | null;
  private readonly keepFiles: number;

  constructor(private readonly options: RequestJournalOptions) {
    this.tracer = options.tracer ?? null;
    this.keepFiles = options.keepFiles ?? 3;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  }

  /** Whether the front door's own span is exported (then it is the service's parent span). */
  get tracing(): boolean {
    return this.tracer !== null;
  }

  record(request: FinishedRequest): void {
    this.pending.push(request);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last `lines` accepted requests, oldest first: from memory when it holds enough, else from the access log. */
  async recentRequests(query: RecentQuery): Promise<RequestRecord[]> {
    if (query.lines <= 0) return [];
    this.drain();
    if (query.service !== undefined) return this.recentOf(query.service, query);
    const names = new Set([...this.recent.keys(), ...(await loggedServiceNames(this.options.dir))]);
    const perService = await Promise.all([...names].map((name) => this.recentOf(name, query)));
    return perService
      .flat()
      .sort((a, b) => a.at - b.at)
      .slice(-query.lines);
  }

  /** The masked headers of one of the service's last requests, or null when no longer kept. */
  headersOf(service: string, requestId: string): RequestHeaders | null {
    this.drain();
    const kept = this.headers.get(service)?.find((entry) => entry.requestId === requestId);
    return kept === undefined ? null : { service, requestId, headers: headerPairs(kept.rawHeaders) };
  }

  /** Resolves once every request recorded so far is in its file. */
  async flushed(): Promise<void> {
    this.drain();
    await Promise.all([...this.writers.values()].map((writer) => writer.flushed()));
  }

  /** Closes an unregistered service's access log and forgets its requests; the file stays on disk. */
  async release(service: string): Promise<void> {
    this.drain();
    const writer = this.writers.get(service);
    this.writers.delete(service);
    this.recent.delete(service);
    this.headers.delete(service);
    await writer?.close();
  }

  async close(): Promise<void> {
    this.drain();
    await Promise.all([...this.writers.values()].map((writer) => writer.close()));
    await this.tracer?.shutdown();
    this.listeners.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const lines = new Map<string, string[]>();
    for (const request of batch) {
      const { record } = request;
      this.keep(request);
      const serviceLines = lines.get(record.service) ?? [];
      if (serviceLines.length === 0) lines.set(record.service, serviceLines);
      serviceLines.push(`${JSON.stringify(record)}\n`);
      this.tracer?.export(record, request.trace, request.prefix ?? rawHost(request.rawHeaders) ?? '');
      this.notify(record);
    }
    for (const [service, text] of lines) this.writerFor(service)?.write(text.join(''));
  }

  private notify(record: RequestRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // A failing listener must not cost the others their request, nor the access log its line.
      }
    }
  }

  private keep({ record, rawHeaders }: FinishedRequest): void {
    const { service } = record;
    listFor(this.recent, service, this.options.recentPerService ?? RECENT_PER_SERVICE).push(record);
    listFor(this.headers, service, this.options.headersPerService ?? HEADERS_PER_SERVICE).push({
      requestId: record.requestId,
      rawHeaders: maskedRawHeaders(rawHeaders),
    });
  }

  private async recentOf(service: string, query: RecentQuery): Promise<RequestRecord[]> {
    const fromMemory = this.recent.get(service)?.last(query.lines, query.accept) ?? [];
    if (fromMemory.length >= query.lines || !SAFE_NAME.test(service)) return fromMemory;
    const writer = this.writers.get(service);
    await writer?.flushed();
    const release = writer?.holdRotation();
    try {
      return await tailFiles(this.pathOf(service), this.keepFiles, query.lines, parseRecord, query.accept);
    } finally {
      release?.();
    }
  }

  /** Null for a name that cannot be a file name (never a registered service's). */
  private writerFor(service: string): LogFileWriter | null {
    if (!SAFE_NAME.test(service)) return null;
    let writer = this.writers.get(service);
    if (writer === undefined) {
      writer = new LogFileWriter(this.pathOf(service), {
        maxFileBytes: this.options.maxFileBytes ?? 10 * 1024 * 1024,
        keepFiles: this.keepFiles,
      });
      this.writers.set(service, writer);
    }
    return writer;
  }

  private pathOf(service: string): string {
    return join(this.options.dir, `${service}.log`);
  }
}

function listFor<T>(lists: Map<string, BoundedList<T>>, service: string, capacity: number): BoundedList<T> {
  const found = lists.get(service);
  if (found !== undefined) return found;
  const list = new BoundedList<T>(capacity);
  lists.set(service, list);
  return list;
}

/** A line that is not a record (cut by a crash, edited by hand) is skipped. */
function parseRecord(text: string): RequestRecord | null {
  try {
    const parsed = RequestRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
