import type { ExitInfo, LifecycleResult, ServiceInfo, ServiceStats } from '../../protocol/index.js';
import { formatDuration } from './format.js';

export function readyCount(service: ServiceInfo): number {
  return service.instances.filter((instance) => instance.ready).length;
}

/** First live instance's pid, with `+n` when more replicas run. */
export function pidLabel(service: ServiceInfo): string | null {
  const pids = service.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
  if (pids.length === 0) return null;
  return pids.length === 1 ? String(pids[0]) : `${pids[0]}+${pids.length - 1}`;
}

export function portLabel(service: ServiceInfo): string | null {
  const ports = service.instances.map((instance) => instance.port).filter((port): port is number => port !== null);
  if (ports.length === 0) return null;
  return ports.length === 1 ? String(ports[0]) : `${ports[0]}+${ports.length - 1}`;
}

/** Time since the oldest running instance started; null when none runs. */
export function uptimeMs(service: ServiceInfo, now: number): number | null {
  const starts = service.instances.filter((instance) => instance.pid !== null && instance.startedAt !== null).map((instance) => instance.startedAt as number);
  if (starts.length === 0) return null;
  return Math.max(0, now - Math.min(...starts));
}

/** The most recent exit among the instances. */
export function latestExit(service: ServiceInfo): ExitInfo | null {
  const exits = service.instances.map((instance) => instance.lastExit).filter((exit) => exit !== null);
  return exits.length === 0 ? null : exits.reduce((a, b) => (b.at > a.at ? b : a));
}

/** `signal SIGKILL` or `code 1`. */
export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
}

/** The most recent exit among the instances, and when. */
export function lastExit(service: ServiceInfo): string | null {
  const latest = latestExit(service);
  return latest === null ? null : `${describeExit(latest)} at ${new Date(latest.at).toLocaleTimeString()}`;
}

export function commandLine(service: ServiceInfo): string {
  return [service.command, ...service.args.map(quoteIfNeeded)].join(' ');
}

/** A word as a POSIX shell reads it: quoted only when it has to be. */
export function quoteIfNeeded(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Substring match on name, type and status; empty matches everything. */
export function matchesFilter(service: ServiceInfo, filter: string): boolean {
  if (filter.length === 0) return true;
  const needle = filter.toLowerCase();
  return service.name.includes(needle) || service.type.toLowerCase().includes(needle) || service.status.includes(needle);
}

export type StatsLookup = ReadonlyMap<string, ServiceStats>;

/** `1/2 ready` */
export function readiness(service: ServiceInfo): string {
  return `${readyCount(service)}/${service.replicas} ready`;
}

/**
 * What went wrong with a start, as the daemon decided it: `api crashed while starting (last exit:
 * code 1)`, `api is still starting after 15s (0/1 ready)`; null when it runs (healthy or not).
 */
export function startProblem(result: LifecycleResult): string | null {
  switch (result.outcome) {
    case 'running':
    case 'unhealthy':
      return null;
    case 'pending':
      return `${result.name} is still starting after ${formatDuration(result.waitedMs)} (${readiness(result)})`;
    default: {
      const exit = latestExit(result);
      return `${result.name} ${result.outcome} while starting${exit === null ? '' : ` (last exit: ${describeExit(exit)})`}`;
    }
  }
}
