import { Pool } from 'undici';
import type { RouteTarget } from '../shared/contracts.js';

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

const SWEEP_INTERVAL_MS = 30_000;

interface PoolEntry {
  pool: Pool;
  port: number;
  origin?: string;
  /** Sweeps since the pool was last handed out. */
  idleSweeps: number;
}

/** One undici Pool per upstream (a port on 127.0.0.1, or a remote origin), created on first use, dropped when idle. */
export class UpstreamPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.sweeper = setInterval(() => this.sweepIdle(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  get(port: number): Pool {
    return this.entry(String(port), port, `http://127.0.0.1:${port}`, {});
  }

  /** The pool for a route target: its remote upstream (TLS checked unless insecure) or its local port. */
  forTarget(target: RouteTarget): Pool {
    const { upstream } = target;
    if (upstream === undefined) return this.get(target.port);
    const key = `${upstream.origin}${upstream.insecure ? ' insecure' : ''}`;
    return this.entry(key, target.port, upstream.origin, { rejectUnauthorized: !upstream.insecure }, upstream.origin);
  }

  private entry(key: string, port: number, url: string, tls: { rejectUnauthorized?: boolean }, origin?: string): Pool {
    let entry = this.pools.get(key);
    if (entry === undefined) {
      const pool = new Pool(url, {
        connections: this.options.connectionsPerUpstream,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
        ...(origin ? { connect: tls } : {}),
      });
      entry = { pool, port, origin, idleSweeps: 0 };
      this.pools.set(key, entry);
    }
    entry.idleSweeps = 0;
    return entry.pool;
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
    const pools = [...this.pools.values()].map((entry) => entry.pool);
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
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
