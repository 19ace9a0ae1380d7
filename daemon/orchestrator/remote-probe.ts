import type { Pool } from 'undici';
import type { RemoteUpstream } from '../shared/contracts.js';

import type { Probe } from './probes.js';

/** What ReadinessWatch needs of a probe. */
export type Prober = Probe;

/**
 * HTTP(S) GET of a remote upstream's health path on one kept-alive connection: true for a 2xx in time.
 * TLS certificates are checked unless the upstream is marked insecure, like the proxied requests.
 * undici loads with the first remote probe: a daemon without remote members never pays for it here.
 */
export class RemoteProbe implements Prober {
  private readonly pool: Promise<Pool>;
  private readonly path: string;

  /** `failed` hears why a probe failed (a refused certificate, a status), for the service's log. */
  constructor(
    private readonly upstream: RemoteUpstream,
    healthPath: string,
    private readonly failed: (reason: string) => void = () => undefined,
  ) {
    this.pool = import('undici').then(({ Pool }) => new Pool(upstream.origin, { connections: 1, connect: { rejectUnauthorized: !upstream.insecure } }));
    this.path = `${upstream.basePath}${healthPath}`;
  }

  async check(timeoutMs: number): Promise<boolean> {
    try {
      const pool = await this.pool;
      const response = await pool.request({
        path: this.path,
        method: 'GET',
        headers: { 'user-agent': 'herve-probe', ...(this.upstream.host ? { host: this.upstream.host } : {}) },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      const healthy = response.statusCode >= 200 && response.statusCode < 300;
      if (!healthy) this.failed(`${this.path} answered ${response.statusCode}`);
      return healthy;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      this.failed(`${this.path} failed: ${code ?? ''} ${message}`.replace(/\s+/g, ' '));
      return false;
    }
  }

  close(): void {
    void this.pool.then((pool) => pool.destroy()).catch(() => undefined);
  }
}
