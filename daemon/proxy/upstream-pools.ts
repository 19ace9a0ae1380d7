import { Pool } from 'undici';

export interface UpstreamPoolOptions {
  /** Most connections kept to one upstream instance (bounded pooling). */
  connectionsPerUpstream: number;
  /** How long an idle keep-alive connection to an upstream stays open. */
  keepAliveTimeoutMs: number;
}

export interface UpstreamUsage {
  port: number;
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
  /** Sweeps since the pool was last handed out. */
  idleSweeps: number;
}

/** One undici Pool per upstream port on 127.0.0.1, created on first use, dropped when idle. */
export class UpstreamPools {
  private readonly pools = new Map<number, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.sweeper = setInterval(() => this.sweepIdle(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  get(port: number): Pool {
    let entry = this.pools.get(port);
    if (entry === undefined) {
      const pool = new Pool(`http://127.0.0.1:${port}`, {
        connections: this.options.connectionsPerUpstream,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
      });
      entry = { pool, idleSweeps: 0 };
      this.pools.set(port, entry);
    }
    entry.idleSweeps = 0;
    return entry.pool;
  }

  usage(): UpstreamUsage[] {
    return [...this.pools].map(([port, { pool }]) => {
      const stats = pool.stats;
      return { port, connected: stats.connected, free: stats.free, running: stats.running, pending: stats.pending };
    });
  }

  /** Requests sent to this port and not finished yet. */
  inFlight(port: number): number {
    const stats = this.pools.get(port)?.pool.stats;
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
    for (const [port, entry] of this.pools) {
      const stats = entry.pool.stats;
      if (stats.running + stats.pending > 0) entry.idleSweeps = 0;
      else entry.idleSweeps++;
      if (entry.idleSweeps >= 2) {
        this.pools.delete(port);
        void entry.pool.close().catch(() => undefined);
      }
    }
  }
}
