import { createRequire } from 'node:module';
import type { Dispatcher, Pool } from 'undici';
import type { RouteTarget } from '../shared/contracts.js';
import { type UpstreamHandler, UpstreamPool, type UpstreamPoolStats, type UpstreamRequest } from './upstream-client/upstream-pool.js';

export interface UpstreamPoolOptions {
  /** Most connections kept to one upstream instance (bounded pooling). */
  connectionsPerUpstream: number;
  /** How long an idle keep-alive connection to an upstream stays open. */
  keepAliveTimeoutMs: number;
}

export interface UpstreamUsage {
  port: number;
  /** Set for a remote upstream (a proxy service or a joined member). */
  origin?: string;
  connected: number;
  free: number;
  /** Requests being served on a connection right now. */
  running: number;
  /** Requests waiting for a connection. */
  pending: number;
}

/** What the front door dispatches to: Herve's own HTTP/1.1 pool, or undici's for an HTTPS upstream. */
export interface Upstream {
  dispatch(request: UpstreamRequest & { servername?: string; bodyTimeout?: number }, handler: UpstreamHandler): void;
  readonly stats: UpstreamPoolStats;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 30_000;
/** How often idle keep-alive connections are checked against their timeout. */
const KEEP_ALIVE_CHECK_MS = 500;

interface PoolEntry {
  pool: Upstream;
  port: number;
  origin?: string;
  /** Sweeps since the pool was last handed out. */
  idleSweeps: number;
}

// undici is loaded only for the first HTTPS upstream: plain HTTP, local or remote, goes through UpstreamPool.
const requireUndici = createRequire(import.meta.url);

/**
 * One pool per upstream (a port on 127.0.0.1, or a remote origin), created on first use, dropped
 * when idle. Plain HTTP upstreams use Herve's HTTP/1.1 pool; HTTPS ones use undici's, which speaks TLS.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly keepAliveChecker: NodeJS.Timeout;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.sweeper = setInterval(() => this.sweepIdle(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.keepAliveChecker = setInterval(() => this.closeIdleConnections(), KEEP_ALIVE_CHECK_MS);
    this.keepAliveChecker.unref();
  }

  get(port: number): Upstream {
    return this.entry(String(port), port, () => this.plainPool('127.0.0.1', port));
  }

  /** The pool for a route target: its remote upstream (TLS checked unless insecure) or its local port. */
  forTarget(target: RouteTarget): Upstream {
    const { upstream } = target;
    if (upstream === undefined) return this.get(target.port);
    const key = `${upstream.origin}${upstream.insecure ? ' insecure' : ''}`;
    return this.entry(key, target.port, () => this.remotePool(upstream.origin, upstream.insecure), upstream.origin);
  }

  private entry(key: string, port: number, create: () => Upstream, origin?: string): Upstream {
    let entry = this.pools.get(key);
    if (entry === undefined) {
      entry = { pool: create(), port, origin, idleSweeps: 0 };
      this.pools.set(key, entry);
    }
    entry.idleSweeps = 0;
    return entry.pool;
  }

  private plainPool(host: string, port: number): UpstreamPool {
    return new UpstreamPool({ host, port, connections: this.options.connectionsPerUpstream, keepAliveTimeoutMs: this.options.keepAliveTimeoutMs });
  }

  private remotePool(origin: string, insecure: boolean): Upstream {
    const url = new URL(origin);
    if (url.protocol === 'http:') return this.plainPool(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 80));
    const { Pool: UndiciPool } = requireUndici('undici') as typeof import('undici');
    const pool: Pool = new UndiciPool(origin, {
      connections: this.options.connectionsPerUpstream,
      pipelining: 1,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
      connect: { rejectUnauthorized: !insecure },
    });
    return {
      dispatch: (request, handler) => pool.dispatch(request as Dispatcher.DispatchOptions, handler as Dispatcher.DispatchHandler),
      get stats() {
        return pool.stats;
      },
      close: () => pool.close(),
      destroy: () => pool.destroy(),
    };
  }

  usage(): UpstreamUsage[] {
    return [...this.pools.values()].map(({ pool, port, origin }) => {
      const stats = pool.stats;
      return { port, ...(origin ? { origin } : {}), connected: stats.connected, free: stats.free, running: stats.running, pending: stats.pending };
    });
  }

  /** Requests sent to this port and not finished yet. */
  inFlight(port: number): number {
    const stats = this.pools.get(String(port))?.pool.stats;
    return stats === undefined ? 0 : stats.running + stats.pending;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.keepAliveChecker);
    const pools = [...this.pools.values()].map((entry) => entry.pool);
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }

  private closeIdleConnections(): void {
    const now = Date.now();
    for (const { pool } of this.pools.values()) if (pool instanceof UpstreamPool) pool.closeIdle(now);
  }

  // A pool not handed out and with nothing in flight for two sweeps is closed; ports get reused.
  private sweepIdle(): void {
    for (const [key, entry] of this.pools) {
      const stats = entry.pool.stats;
      if (stats.running + stats.pending > 0) entry.idleSweeps = 0;
      else entry.idleSweeps++;
      if (entry.idleSweeps >= 2) {
        this.pools.delete(key);
        void entry.pool.close().catch(() => undefined);
      }
    }
  }
}
