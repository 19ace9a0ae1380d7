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

/**
 * Every live process whose environment carries `mark`. One /proc scan serves every call in the
 * same event-loop turn: a shutdown stops every instance at once, and a scan per instance would
 * read every process's environment once per instance (quadratic in the number of services).
 */
export function findMarkedProcesses(mark: string): MarkedProcess[] {
  return [...(markedProcessesThisTurn().get(mark) ?? [])];
}

let scannedThisTurn: Map<string, MarkedProcess[]> | undefined;

function markedProcessesThisTurn(): Map<string, MarkedProcess[]> {
  if (scannedThisTurn === undefined) {
    scannedThisTurn = scanMarkedProcesses();
    setImmediate(() => (scannedThisTurn = undefined));
  }
  return scannedThisTurn;
}

/** Every live process carrying a mark, by mark, from /proc/<pid>/environ. */
function scanMarkedProcesses(): Map<string, MarkedProcess[]> {
  const byMark = new Map<string, MarkedProcess[]>();
  for (const pid of listPids() ?? []) {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    const mark = markIn(environ);
    if (mark === undefined) continue;
    const startTime = readProcessStartTime(pid);
    if (startTime === null) continue;
    const marked = byMark.get(mark) ?? [];
    marked.push({ pid, startTime });
    byMark.set(mark, marked);
  }
  return byMark;
}

const MARK_ENTRY = Buffer.from(`${INSTANCE_MARK_VARIABLE}=`);
const MARK_ENTRY_AFTER_ANOTHER = Buffer.from(`\u0000${INSTANCE_MARK_VARIABLE}=`);

/** The mark in a NUL-separated environment, if there is one. */
function markIn(environ: Buffer): string | undefined {
  let start: number;
  if (environ.subarray(0, MARK_ENTRY.length).equals(MARK_ENTRY)) start = MARK_ENTRY.length;
  else {
    const at = environ.indexOf(MARK_ENTRY_AFTER_ANOTHER);
    if (at === -1) return undefined;
    start = at + MARK_ENTRY_AFTER_ANOTHER.length;
  }
  const end = environ.indexOf(0, start);
  return environ.toString('latin1', start, end === -1 ? environ.length : end);
}

/** The same process as recorded and still running: same pid and kernel start time (never a reused pid). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  return isProcessRunning(identity.pid) && readProcessStartTime(identity.pid) === identity.startTime;
}

/** The mark in a running process's environment, or undefined (gone, or spawned before marks). */
export function readInstanceMark(pid: number): string | undefined {
  try {
    return markIn(readFileSync(`/proc/${pid}/environ`));
  } catch {
    return undefined;
  }
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
