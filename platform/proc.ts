import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat Herve reads (proc(5)). */
export interface ProcStat {
  /** R, S, Z… */
  state: string;
  processGroup: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks: together with the pid it names one process, even after pid reuse. */
  startTicks: number;
  rssPages: number;
}

/** /proc/<pid>/stat of a process, zombies included; null when it is gone (or there is no /proc). */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N of proc(5) is fields[N - 3].
  return {
    state: fields[0] ?? '',
    processGroup: Number(fields[2]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    startTicks: Number(fields[19]),
    rssPages: Number(fields[21]),
  };
}

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
 * Alive and not a zombie: a zombie has exited, and a detached process's zombie waits for init to
 * reap it, which some inits (containers, VMs) do only every second or so. Without /proc, a
 * process that exists counts as running.
 */
export function isProcessRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  return readProcStat(pid)?.state !== 'Z';
}
