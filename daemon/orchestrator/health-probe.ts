import { Agent, request } from 'node:http';

/**
 * HTTP GET on an instance's health path: true for a 2xx within the timeout.
 * One keep-alive connection per instance keeps repeated probes cheap.
 */
export class HealthProbe {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });

  constructor(private readonly port: number, private readonly path: string) {}

  check(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (healthy: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(healthy);
      };
      const req = request(
        { host: '127.0.0.1', port: this.port, path: this.path, method: 'GET', agent: this.agent, headers: { 'user-agent': 'herve-probe' } },
        (res) => {
          res.resume();
          const healthy = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
          res.once('end', () => settle(healthy));
          res.once('error', () => settle(false));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        settle(false);
      }, timeoutMs);
      req.once('error', () => settle(false));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
