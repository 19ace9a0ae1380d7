import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isProcessRunning, listPids, readProcessStartTime } from '../../platform/proc.js';
import type { ProcessIdentity } from './types.js';

/**
 * Every process an instance starts inherits this variable, with a value unique to the spawn.
 * A descendant that leaves the process group (setsid, setpgid) keeps it, so it is still found
 * and stopped with its instance. (cgroups would be exact, but are not writable everywhere
 * Herve runs; a process that clears its own environment still escapes.)
 */
export const INSTANCE_MARK_VARIABLE = 'HERVE_INSTANCE_MARK';

export type MarkedProcess = ProcessIdentity;

export function newInstanceMark(): string {
  return randomUUID();
}

/** Every live process whose environment carries `mark`, from /proc/<pid>/environ. */
export function findMarkedProcesses(mark: string): MarkedProcess[] {
  const needle = Buffer.from(`\u0000${INSTANCE_MARK_VARIABLE}=${mark}\u0000`);
  const atStart = needle.subarray(1);
  const found: MarkedProcess[] = [];
  for (const pid of listPids() ?? []) {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.indexOf(needle) === -1 && !environ.subarray(0, atStart.length).equals(atStart)) continue;
    const startTime = readProcessStartTime(pid);
    if (startTime !== null) found.push({ pid, startTime });
  }
  return found;
}

/** The same process as recorded and still running: same pid and kernel start time (never a reused pid). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  return isProcessRunning(identity.pid) && readProcessStartTime(identity.pid) === identity.startTime;
}

/** The mark in a running process's environment, or undefined (gone, or spawned before marks). */
export function readInstanceMark(pid: number): string | undefined {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
  const prefix = `${INSTANCE_MARK_VARIABLE}=`;
  return environ.split('\u0000').find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
}

/** Signals each process that is still the one found; returns how many were signalled. */
export function signalMarked(processes: MarkedProcess[], signal: NodeJS.Signals): number {
  let signalled = 0;
  for (const each of processes) {
    if (!isSameProcess(each)) continue;
    try {
      process.kill(each.pid, signal);
      signalled += 1;
    } catch {
      // Gone meanwhile.
    }
  }
  return signalled;
}
