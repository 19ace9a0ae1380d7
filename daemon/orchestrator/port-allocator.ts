import { createServer } from 'node:net';

/** Recently handed-out ports are not handed out again for this long, so two instances never race for one. */
const HOLD_MS = 30_000;

/** Free TCP ports on 127.0.0.1 from the kernel (listen on 0, read, close). */
export class PortAllocator {
  private readonly recent = new Map<number, number>();

  async allocate(): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await askKernelForPort();
      this.forgetExpired();
      if (this.recent.has(port)) continue;
      this.recent.set(port, Date.now());
      return port;
    }
    throw new Error('could not find a free port on 127.0.0.1');
  }

  /** A port already in use by an adopted instance: never handed out while it is held. */
  reserve(port: number): void {
    this.recent.set(port, Date.now());
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [port, at] of this.recent) if (now - at > HOLD_MS) this.recent.delete(port);
  }
}

/** Why a fixed port cannot be used right now (someone listens on it), or null when it is free. */
export function fixedPortProblem(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? `port ${port} is already in use by another program` : `cannot use port ${port}: ${error.message}`),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(null)));
  });
}

function askKernelForPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from listen(0)'))));
    });
  });
}
