import { readdirSync, readFileSync } from 'node:fs';

/** Linux fixes USER_HZ at 100 on every mainstream architecture; /proc reports times in it. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks: tells a reused pid from the process that had it. */
  startTicks: number;
  rssPages: number;
  processGroup: number;
}

/** The fields of /proc/<pid>/stat we use; null when the process is gone. */
export function readProcStat(pid: number): ProcStat | null {
  const text = readOrNull(`/proc/${pid}/stat`);
  if (text === null) return null;
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5); so field N is fields[N - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields[0] === 'Z' || !Number.isFinite(utime)) return null;
  return { cpuTicks: utime + stime, startTicks: Number(fields[19]), rssPages: Number(fields[21]), processGroup: Number(fields[2]) };
}

/** Direct children of every thread of `pid` (needs CONFIG_PROC_CHILDREN, on by default). */
export function childrenOf(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const thread of threads) {
    const text = readOrNull(`/proc/${pid}/task/${thread}/children`);
    if (!text) continue;
    for (const word of text.split(' ')) if (word.length > 0) children.push(Number(word));
  }
  return children;
}

/** Seconds since boot. */
export function uptimeSeconds(): number {
  return Number((readOrNull('/proc/uptime') ?? '0').split(' ')[0]);
}

let pageSize: number | null = null;

/** Derived from our own VmRSS (kB) over statm's resident pages, so no subprocess is needed; 4096 if unsure. */
export function systemPageSize(): number {
  if (pageSize !== null) return pageSize;
  pageSize = 4096;
  const vmRssKb = /VmRSS:\s+(\d+)/.exec(readOrNull('/proc/self/status') ?? '')?.[1];
  const residentPages = Number((readOrNull('/proc/self/statm') ?? '').split(' ')[1]);
  if (vmRssKb && residentPages > 0) {
    const ratio = (Number(vmRssKb) * 1024) / residentPages;
    const rounded = 2 ** Math.round(Math.log2(ratio));
    if (rounded >= 4096 && rounded <= 65536) pageSize = rounded;
  }
  return pageSize;
}

export function hasProcFs(): boolean {
  return readOrNull('/proc/self/stat') !== null;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
