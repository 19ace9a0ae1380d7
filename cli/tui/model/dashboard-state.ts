import type { Event, ReloadInfo, ServiceInfo, ServiceStats, ServiceTypeInfo, StatsSnapshot } from '../../../protocol/index.js';

/** Stats arrive about once a second, so this many samples cover the last minute. */
export const RATE_HISTORY_SAMPLES = 60;

export interface DaemonFacts {
  pid: number;
  uptimeMs: number;
  cpuPercent: number | null;
  rssBytes: number | null;
  /** Local clock when `uptimeMs` was read, to age it between readings. */
  observedAt: number;
}

/** Everything the dashboard knows about the daemon; replaced, never mutated, so memoised rows can compare by reference. */
export interface DashboardState {
  /** Sorted by name. */
  services: readonly ServiceInfo[];
  stats: ReadonlyMap<string, ServiceStats>;
  /** Requests per second, one sample per stats event, oldest first. */
  rateHistory: ReadonlyMap<string, readonly number[]>;
  types: readonly ServiceTypeInfo[];
  daemon: DaemonFacts | null;
  /** The last time a project file was applied, and why. */
  lastReload: ReloadInfo | null;
  /** True once `list` has answered on the current connection. */
  synced: boolean;
  now: number;
}

export const EMPTY_DASHBOARD: DashboardState = {
  services: [],
  stats: new Map(),
  rateHistory: new Map(),
  types: [],
  daemon: null,
  lastReload: null,
  synced: false,
  now: 0,
};

type FeedEvent = Exclude<Event, { event: 'log' }>;

export interface SyncSnapshot {
  services: readonly ServiceInfo[];
  types: readonly ServiceTypeInfo[] | null;
  daemon: { pid: number; uptimeMs: number } | null;
  /** undefined: not asked (an older daemon), keep what is known. */
  lastReload?: ReloadInfo | null;
}

/** A fresh picture from `list`/`types`/`ping` replaces what the events built up. */
export function resync(state: DashboardState, snapshot: SyncSnapshot, now: number): DashboardState {
  const previous = new Map(state.services.map((service) => [service.uuid, service]));
  const services = sortByName(snapshot.services.map((service) => keepIfSame(previous.get(service.uuid), service)));
  const daemon = snapshot.daemon
    ? {
        pid: snapshot.daemon.pid,
        uptimeMs: snapshot.daemon.uptimeMs,
        cpuPercent: state.daemon?.cpuPercent ?? null,
        rssBytes: state.daemon?.rssBytes ?? null,
        observedAt: now,
      }
    : state.daemon;
  const lastReload = snapshot.lastReload === undefined ? state.lastReload : snapshot.lastReload;
  return { ...state, services, types: snapshot.types ?? state.types, daemon, lastReload, synced: true, now };
}

/** The state after a batch of events; the same object when nothing changed. */
export function applyEvents(state: DashboardState, events: readonly FeedEvent[], now: number): DashboardState {
  let next = state;
  for (const event of events) {
    if (event.event === 'service') next = upsertService(next, event.data);
    else if (event.event === 'service.removed') next = removeService(next, event.data.uuid);
    else if (event.event === 'reload') next = { ...next, lastReload: event.data };
    else if (event.event === 'stats') next = applyStats(next, event.data, now);
  }
  return next;
}

/** The last project reload in a few words: `reloaded 12s ago (herve reload: +1 ~2 -0)`. */
export function reloadText(reload: ReloadInfo | null, now: number, format: (ms: number) => string): string {
  if (!reload) return '';
  const counts = `+${reload.added} ~${reload.changed} -${reload.removed}`;
  return `reloaded ${format(Math.max(0, now - reload.at))} ago (${reload.reason}: ${reload.error ? `stopped: ${reload.error}` : counts})`;
}

/** Connection lost: keep the last picture on screen, but stop trusting it. */
export function markStale(state: DashboardState): DashboardState {
  return state.synced ? { ...state, synced: false } : state;
}

function upsertService(state: DashboardState, service: ServiceInfo): DashboardState {
  const index = state.services.findIndex((known) => known.uuid === service.uuid);
  const known = state.services[index];
  if (known === undefined) return { ...state, services: sortByName([...state.services, service]) };
  const kept = keepIfSame(known, service);
  if (kept === known) return state;
  const services = [...state.services];
  services[index] = kept;
  return { ...state, services: kept.name === known.name ? services : sortByName(services) };
}

function removeService(state: DashboardState, uuid: string): DashboardState {
  const services = state.services.filter((service) => service.uuid !== uuid);
  return services.length === state.services.length ? state : { ...state, services };
}

function applyStats(state: DashboardState, snapshot: StatsSnapshot, now: number): DashboardState {
  const stats = new Map<string, ServiceStats>();
  const rateHistory = new Map<string, readonly number[]>();
  for (const serviceStats of snapshot.services) {
    stats.set(serviceStats.name, keepIfSame(state.stats.get(serviceStats.name), serviceStats));
    const history = state.rateHistory.get(serviceStats.name) ?? [];
    const sample = serviceStats.requests?.ratePerSec ?? 0;
    rateHistory.set(serviceStats.name, [...history.slice(-(RATE_HISTORY_SAMPLES - 1)), sample]);
  }
  const { daemon } = snapshot;
  return {
    ...state,
    stats,
    rateHistory,
    daemon: { pid: daemon.pid, uptimeMs: daemon.uptimeMs, cpuPercent: daemon.cpuPercent, rssBytes: daemon.rssBytes, observedAt: now },
    now,
  };
}

/** Reuse the old object when the new one carries the same data, so React.memo skips the row. */
function keepIfSame<T>(previous: T | undefined, next: T): T {
  if (previous === undefined) return next;
  return JSON.stringify(previous) === JSON.stringify(next) ? previous : next;
}

function sortByName(services: ServiceInfo[]): ServiceInfo[] {
  return services.sort((a, b) => a.name.localeCompare(b.name));
}
