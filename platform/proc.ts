import { readdirSync, readFileSync } from 'node:fs';

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

/** The pid of every process /proc lists; null when there is no /proc to read. */
export function listPids(): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/**
 * True when any process of the group is still running. Zombies do not count: an orphaned member
 * that died waits for init to reap it, which can take seconds, and it holds nothing any more.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!isProcessAlive(-pgid)) return false;
  const pids = listPids();
  if (pids === null) return true;
  for (const pid of pids) {
    const stat = readProcStat(pid);
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

/** The pid a pid or lock file holds; null when the file is missing or holds no pid. */
export function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
