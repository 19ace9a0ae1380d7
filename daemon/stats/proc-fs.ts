import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat, type ProcStat } from '../../platform/proc.js';

/** Linux fixes USER_HZ at 100 on every mainstream architecture; /proc reports times in it. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** The stat of a process that can be measured: null when it is gone or a zombie. */
export function readLiveProcStat(pid: number): ProcStat | null {
  const stat = readProcStat(pid);
  return stat === null || stat.state === 'Z' || !Number.isFinite(stat.cpuTicks) ? null : stat;
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
