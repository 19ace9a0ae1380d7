/**
 * The seams between the daemon's parts. Each part is written against these,
 * so the proxy, the admin API and the control server only call the orchestrator
 * and listen to its events; the orchestrator alone changes service state.
 */
import type { RouteIndex } from '../proxy/route-match.js';
import type {
  AnnounceParams,
  Event,
  LifecycleResult,
  LogLine,
  ProcessUsage,
  RegisterSpec,
  RequestStats,
  ServiceInfo,
  StatsSnapshot,
  UpdateResult,
} from '../../protocol/index.js';

/** What the socket server and the admin HTTP API may ask of the orchestrator. Throws HerveError. */
export interface ServiceControl {
  list(): ServiceInfo[];
  /** By name or uuid; throws HerveError('not_found'). */
  get(ref: string): ServiceInfo;
  /** Register, start and stop answer with what they came to (see `Outcome`). */
  register(spec: RegisterSpec): Promise<LifecycleResult>;
  unregister(ref: string): Promise<{ uuid: string; name: string }>;
  start(ref: string, wait?: boolean): Promise<LifecycleResult>;
  stop(ref: string, wait?: boolean): Promise<LifecycleResult>;
  restart(ref: string, wait?: boolean, rolling?: boolean): Promise<LifecycleResult>;
  /** Replace a service's spec, rolling it when what runs changed (see the `update` method). */
  update(ref: string, spec: RegisterSpec): Promise<UpdateResult>;
  stats(): StatsSnapshot;
  /** A member joins (or stays in) an external service; throws HerveError('conflict') for a name Herve runs. */
  announce(params: AnnounceParams): { name: string; url: string; ttl: number; members: number };
  /** Members leave at once (every member of `name` without `url`). */
  leave(name: string, url?: string): { name: string; left: number };
}

/** An upstream Herve does not run (a `proxy` service, a joined member): where and how to reach it. */
export interface RemoteUpstream {
  /** `http(s)://host:port`, no path. */
  origin: string;
  /** Prepended to every proxied path ('' for none). */
  basePath: string;
  /** Skip the TLS certificate check (only when asked for). */
  insecure: boolean;
  /** The Host header to send; null keeps the client's. */
  host: string | null;
}

/** One upstream the proxy may send a request to: a local instance's port, or a remote upstream. */
export interface RouteTarget {
  service: string;
  instance: number;
  /** The local port; for a remote upstream, its URL's port. */
  port: number;
  upstream?: RemoteUpstream;
}

/** The proxy's view of the services: only ready, not-stopping instances are targets. */
export interface RouteTable {
  /** undefined: no service of that name; []: it exists but nothing is ready. */
  targets(name: string): RouteTarget[] | undefined;
  names(): string[];
  /** What the proxy saw of one attempt to a target, for passive health: the answer's status, or 0 and why it failed. */
  report?(target: RouteTarget, status: number, failure?: string): void;
  /** Where each service is reached (route specs); without it, `/<name>` and `<name>.localhost`. */
  routeIndex?(): RouteIndex;
}

export interface RequestStatsSource {
  /** Sliding-window figures for one service; null if it has seen no request. */
  forService(name: string): RequestStats | null;
}

/** Log capture: files with rotation, an in-memory ring, and live listeners. */
export interface LogSink {
  append(line: LogLine): void;
  onLine(listener: (line: LogLine) => void): () => void;
}

export type ProcessSampler = (pids: number[]) => Map<number, ProcessUsage>;

export type EventPublisher = (event: Event) => void;
