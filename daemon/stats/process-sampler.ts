import type { ProcessUsage } from '../../protocol/index.js';
import type { ProcessSampler } from '../shared/contracts.js';
import type { ProcStat } from '../../platform/proc.js';
import { CLOCK_TICKS_PER_SECOND, childrenOf, hasProcFs, readLiveProcStat, systemPageSize, uptimeSeconds } from './proc-fs.js';
import { sampleWithPs } from './ps-sampler.js';

export interface ProcessSamplerOptions {
  /**
   * Count each pid's descendants in its own process group too, so a service behind a wrapper
   * shows its real usage (default true). Descendants that lead another group — such as the
   * services the daemon spawns — are left out, with everything below them.
   */
  includeDescendants?: boolean;
}

interface Previous {
  cpuTicks: number;
  startTicks: number;
  seenAt: number;
}

/** Entries of processes not sampled for this long are forgotten. */
const FORGET_AFTER_MS = 60_000;
/** A fork bomb must not make one sample walk forever. */
const MAX_TREE_SIZE = 512;

/**
 * CPU % (of one core, over the time since the previous call; on the first call, since the
 * process started) and RSS bytes of each live pid and its descendants, read from /proc.
 * A pid that is gone is absent from the result.
 */
export function createProcessSampler(options: ProcessSamplerOptions = {}): ProcessSampler {
  if (!hasProcFs()) return sampleWithPs;
  const includeDescendants = options.includeDescendants ?? true;
  const previous = new Map<number, Previous>();
  const rootSampledAt = new Map<number, number>();

  return (pids) => {
    const now = Date.now();
    const result = new Map<number, ProcessUsage>();
    for (const pid of pids) {
      const root = readLiveProcStat(pid);
      if (!root) continue;
      const members = includeDescendants ? [[pid, root] as const, ...groupDescendants(pid, root.processGroup)] : [[pid, root] as const];
      let deltaTicks = 0;
      let rssPages = 0;
      for (const [memberPid, stat] of members) {
        deltaTicks += ticksSince(previous.get(memberPid), stat);
        rssPages += stat.rssPages;
        previous.set(memberPid, { cpuTicks: stat.cpuTicks, startTicks: stat.startTicks, seenAt: now });
      }
      const lastAt = rootSampledAt.get(pid);
      const wallSeconds = lastAt !== undefined ? (now - lastAt) / 1000 : uptimeSeconds() - root.startTicks / CLOCK_TICKS_PER_SECOND;
      rootSampledAt.set(pid, now);
      const cpuPercent = wallSeconds > 0 ? (deltaTicks / CLOCK_TICKS_PER_SECOND / wallSeconds) * 100 : 0;
      result.set(pid, { cpuPercent: Math.round(cpuPercent * 10) / 10, rssBytes: rssPages * systemPageSize() });
    }
    forgetStale(previous, rootSampledAt, now);
    return result;
  };
}

/** A process not seen before (or a reused pid) counts all its ticks: it started after the last sample. */
function ticksSince(before: Previous | undefined, stat: ProcStat): number {
  if (!before || before.startTicks !== stat.startTicks) return stat.cpuTicks;
  return Math.max(0, stat.cpuTicks - before.cpuTicks);
}

function groupDescendants(pid: number, processGroup: number): (readonly [number, ProcStat])[] {
  const found: (readonly [number, ProcStat])[] = [];
  const queue = childrenOf(pid);
  while (queue.length > 0 && found.length < MAX_TREE_SIZE) {
    const child = queue.shift()!;
    const stat = readLiveProcStat(child);
    if (!stat || stat.processGroup !== processGroup) continue;
    found.push([child, stat]);
    queue.push(...childrenOf(child));
  }
  return found;
}

function forgetStale(previous: Map<number, Previous>, rootSampledAt: Map<number, number>, now: number): void {
  for (const [pid, entry] of previous) {
    if (now - entry.seenAt > FORGET_AFTER_MS) {
      previous.delete(pid);
      rootSampledAt.delete(pid);
    }
  }
}
