import type { ServiceRecord, InstanceRecord } from '../registry/registry.js';
import type { OutputStream, Supervisor } from '../supervisor/index.js';
import type { PortAllocator } from './port-allocator.js';

/** Where an instance's output and the daemon's lines about it go. */
export interface ServiceLogs {
  system(service: string, instance: number | null, line: string): void;
  splitter(service: string, instance: number, stream: OutputStream): { push(chunk: Buffer): void; end(): void };
  /** Resolves once every line appended so far for the service is written to its file. */
  written(service: string): Promise<void>;
  /** The service is gone: close its log file. */
  release(service: string): void;
  /** The last `count` lines of one instance (its output and the daemon's lines about it), oldest first. */
  recent?(service: string, instance: number, count: number): Promise<string[]>;
}

/** What an instance needs from the rest of the daemon; given by its service. */
export interface InstanceContext {
  readonly supervisor: Supervisor;
  readonly ports: PortAllocator;
  readonly logs: ServiceLogs;
  record(): ServiceRecord;
  rememberProcess(record: InstanceRecord): void;
  forgetProcess(index: number, pid: number): void;
  /** An unexpected exit; true when it makes a crash loop (no more restarts). */
  crashed(at: number): boolean;
  restarted(): void;
  changed(): void;
}
