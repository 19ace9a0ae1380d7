import { mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogLine } from '../../protocol/index.js';
import type { LogSink } from '../shared/contracts.js';
import type { LineMatcher } from './grep-pattern.js';
import { formatLogLine, parseLogLine } from './log-format.js';
import { LogFileWriter } from './log-file-writer.js';
import { LogRing } from './log-ring.js';
import { createLineSplitter, type LineSplitter } from './line-splitter.js';
import { tailFiles } from './tail-files.js';

export interface LogStoreOptions {
  dir: string;
  /** Size at which `<service>.log` is rotated (default 10 MiB). */
  maxFileBytes?: number;
  /** Rotated files kept beside the live one, `.log.1` … `.log.N` (default 3). */
  keepFiles?: number;
  /** Lines per service kept in memory for fast tails (default 2000). */
  ringSize?: number;
  /** Characters per service kept in memory at most (default 8 Mi), so huge lines cannot pile up. */
  ringChars?: number;
}

export interface TailQuery {
  /** One service; all services merged by time when absent. */
  service?: string;
  lines: number;
  grep?: LineMatcher;
}

type LineListener = (line: LogLine) => void;

/** A service name that can be a file name (every registered one can). */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const LOG_FILE = /^(.+)\.log(?:\.\d+)?$/;

/** The services that have a `<name>.log` (or a rotated one) in `dir`. */
export async function loggedServiceNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const file of await readdir(dir)) {
    const [, name] = LOG_FILE.exec(file) ?? [];
    if (name !== undefined && SAFE_NAME.test(name)) names.push(name);
  }
  return names;
}

/**
 * Every service's output: appended to `<dir>/<service>.log` (rotated by size),
 * kept in a per-service ring, and handed to live listeners.
 */
export class LogStore implements LogSink {
  private readonly writers = new Map<string, LogFileWriter>();
  private readonly rings = new Map<string, LogRing>();
  private readonly listeners = new Set<LineListener>();
  private readonly maxFileBytes: number;
  private readonly keepFiles: number;
  private readonly ringSize: number;
  private readonly ringChars: number;

  constructor(private readonly options: LogStoreOptions) {
    this.maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
    this.keepFiles = options.keepFiles ?? 3;
    this.ringSize = options.ringSize ?? 2000;
    this.ringChars = options.ringChars ?? 8 * 1024 * 1024;
    mkdirSync(options.dir, { recursive: true });
  }

  append(line: LogLine): void {
    if (line.line.includes('\n')) {
      for (const part of line.line.split('\n')) this.append({ ...line, line: part });
      return;
    }
    this.writerFor(line.service).write(formatLogLine(line));
    this.ringFor(line.service).push(line);
    for (const listener of this.listeners) {
      try {
        listener(line);
      } catch {
        // A failing listener must not cost the other listeners or the file their line.
      }
    }
  }

  /** Splits one instance's raw output into timestamped lines and appends each. */
  lineSplitter(service: string, instance: number | null, stream: 'stdout' | 'stderr'): LineSplitter {
    assertSafeName(service);
    return createLineSplitter((text) => this.append({ service, instance, stream, at: Date.now(), line: text }));
  }

  onLine(listener: LineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last `lines` lines (matching `grep`), oldest first, from memory when it holds enough, else from the files. */
  async tail(query: TailQuery): Promise<LogLine[]> {
    const count = Math.max(0, Math.floor(query.lines));
    if (count === 0) return [];
    const accept = textFilter(query.grep);
    if (query.service !== undefined) return this.tailService(query.service, count, accept);
    const perService = await Promise.all((await this.knownServices()).map((name) => this.tailService(name, count, accept)));
    return perService
      .flat()
      .sort((a, b) => a.at - b.at)
      .slice(-count);
  }

  /** Resolves once everything appended so far for one service is written to its file. */
  flushed(service: string): Promise<void> {
    return this.writers.get(service)?.flushed() ?? Promise.resolve();
  }

  /** Writes everything appended so far to disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((writer) => writer.flushed()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.writers.values()].map((writer) => writer.close()));
    this.listeners.clear();
  }

  /** Closes a service's log file and drops its ring (an unregistered service); the file stays on disk. */
  async release(service: string): Promise<void> {
    const writer = this.writers.get(service);
    this.writers.delete(service);
    this.rings.delete(service);
    await writer?.close();
  }

  private async tailService(service: string, count: number, accept: (line: LogLine) => boolean): Promise<LogLine[]> {
    // A name that could not be a file name has no log.
    if (!SAFE_NAME.test(service)) return [];
    const fromMemory = this.rings.get(service)?.last(count, accept) ?? [];
    if (fromMemory.length >= count) return fromMemory;
    const writer = this.writers.get(service);
    await writer?.flushed();
    const release = writer?.holdRotation();
    try {
      return await tailFiles(this.pathOf(service), this.keepFiles, count, (text) => parseLogLine(service, text), accept);
    } finally {
      release?.();
    }
  }

  private async knownServices(): Promise<string[]> {
    return [...new Set([...this.writers.keys(), ...(await loggedServiceNames(this.options.dir))])];
  }

  private writerFor(service: string): LogFileWriter {
    let writer = this.writers.get(service);
    if (!writer) {
      assertSafeName(service);
      writer = new LogFileWriter(this.pathOf(service), { maxFileBytes: this.maxFileBytes, keepFiles: this.keepFiles });
      this.writers.set(service, writer);
    }
    return writer;
  }

  private ringFor(service: string): LogRing {
    let ring = this.rings.get(service);
    if (!ring) {
      ring = new LogRing(this.ringSize, this.ringChars);
      this.rings.set(service, ring);
    }
    return ring;
  }

  private pathOf(service: string): string {
    return join(this.options.dir, `${service}.log`);
  }
}

function assertSafeName(service: string): void {
  if (!SAFE_NAME.test(service)) throw new Error(`unsafe service name for a log file: ${JSON.stringify(service)}`);
}

function textFilter(grep: LineMatcher | undefined): (line: LogLine) => boolean {
  if (!grep) return () => true;
  // A global or sticky regex keeps state between test() calls; a clean copy does not.
  const pattern = grep instanceof RegExp ? new RegExp(grep.source, grep.flags.replace(/[gy]/g, '')) : grep;
  return (line) => pattern.test(line.line);
}
