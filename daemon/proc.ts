import { readdirSync, readFileSync } from 'node:fs';
import { isProcessAlive, readProcStat } from '../platform/proc.js';

/**
 * True when any process of the group is still running. Zombies do not count: an orphaned member
 * that died waits for init to reap it, which can take seconds, and it holds nothing any more.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!isProcessAlive(-pgid)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.processGroup === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/**
 * The kernel's start time of a process (clock ticks since boot, field 22 of /proc/<pid>/stat),
 * or null when it is gone. Together with the pid it names one process, even after pid reuse.
 */
export function readProcessStartTime(pid: number): string | null {
  const stat = readProcStat(pid);
  return stat === null ? null : String(stat.startTicks);
}

/** Signal a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether a pid is a herve daemon (its command line runs daemon/main), not another program that got the number. */
export function isHerveDaemon(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon/main');
  } catch {
    return false;
  }
}
