import { readdirSync, readFileSync } from 'node:fs';

/** True when a process with this pid exists (zombies included); EPERM still means it exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
    const fields = readStatFields(Number(entry));
    if (fields && fields.pgrp === pgid && fields.state !== 'Z') return true;
  }
  return false;
}

/** State (R, S, Z…) and process group of a pid, from /proc; null when it is gone. */
export function readStatFields(pid: number): { state: string; pgrp: number; startTime: string } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); field 5 (pgrp) is at index 2, field 22 (starttime) at index 19.
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), startTime: fields[19] ?? '' };
}

/** Alive and not a zombie. */
export function isProcessRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  const fields = readStatFields(pid);
  return fields === null ? true : fields.state !== 'Z';
}

/**
 * The kernel's start time of a process (clock ticks since boot, field 22 of /proc/<pid>/stat),
 * or null when it is gone. Together with the pid it names one process, even after pid reuse.
 */
export function readProcessStartTime(pid: number): string | null {
  return readStatFields(pid)?.startTime ?? null;
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
