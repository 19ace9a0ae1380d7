import { execFileSync } from 'node:child_process';
import type { ProcessUsage } from '../../protocol/index.js';

/**
 * Fallback where /proc is missing (macOS): `ps` gives %CPU (a decaying average, not an
 * exact interval) and RSS in KiB, for the pids alone, without descendants.
 */
export function sampleWithPs(pids: number[]): Map<number, ProcessUsage> {
  const result = new Map<number, ProcessUsage>();
  if (pids.length === 0) return result;
  let output: string;
  try {
    output = execFileSync('ps', ['-o', 'pid=,%cpu=,rss=', '-p', pids.join(',')], { encoding: 'utf8' });
  } catch {
    // ps exits non-zero when none of the pids is alive.
    return result;
  }
  for (const row of output.split('\n')) {
    const [pid, cpu, rssKb] = row.trim().split(/\s+/).map(Number);
    if (pid !== undefined && Number.isInteger(pid) && pid > 0) result.set(pid, { cpuPercent: cpu || 0, rssBytes: (rssKb || 0) * 1024 });
  }
  return result;
}
