import { rmSync } from 'node:fs';
import { Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import { HerveError } from '../shared/errors.js';
import { findPortHolder } from './port-holder.js';

/**
 * Default listen addresses: loopback only, both families, so http://localhost:PORT
 * works whichever address `localhost` resolves to, and nothing is exposed to the
 * network (the proxy itself has no auth). `::` would answer on every interface.
 */
export const DEFAULT_HOSTS = ['127.0.0.1', '::1'] as const;

/** Address families a machine may lack; then we serve the other family only. */
const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);
const EPHEMERAL_ATTEMPTS = 5;

/** How the user picks the plain front door's port; the HTTPS port names its own. */
export const PORT_SETTING = 'herve up --port N / PORT=N';

export function portInUse(port: number, setting = PORT_SETTING): HerveError {
  const holder = findPortHolder(port);
  const by = holder === null ? '' : ` by pid ${holder.pid} (${holder.command})`;
  return new HerveError('port_in_use', `port ${port} is already in use${by}`, `stop what uses it or pick another: ${setting}`);
}

function listenOnce(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    if (server instanceof HttpServer) server.closeAllConnections();
  });
}

/**
 * Listens with one server per host, all on the same port (the first resolves
 * port 0). On failure closes whatever it opened and throws HerveError('port_in_use').
 */
export async function listenAll<S extends Server>(
  makeServer: () => S,
  port: number,
  hosts: readonly string[],
  setting = PORT_SETTING,
): Promise<{ port: number; servers: S[] }> {
  for (let attempt = 0; ; attempt++) {
    const servers: S[] = [];
    let resolvedPort = port;
    try {
      for (const [index, host] of hosts.entries()) {
        const server = makeServer();
        try {
          resolvedPort = await listenOnce(server, resolvedPort, host);
          servers.push(server);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? '';
          if (index > 0 && UNAVAILABLE.has(code)) continue;
          throw error;
        }
      }
      return { port: resolvedPort, servers };
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE') throw error;
      // Port 0 picked a port free on one family but taken on the other: try another.
      if (port === 0 && attempt < EPHEMERAL_ATTEMPTS) continue;
      throw portInUse(port === 0 ? resolvedPort : port, setting);
    }
  }
}

function listening(server: Server, listen: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    listen();
  });
}

/** `server` takes over a listening socket handed over by another process; it accepts from this call on. */
export function serveHandle<S extends Server>(server: S, handle: Server): S {
  server.listen(handle);
  return server;
}

/** Listens on a Unix socket, replacing a file a dead daemon left there. */
export async function listenOnSocket<S extends Server>(server: S, path: string): Promise<S> {
  rmSync(path, { force: true });
  await listening(server, () => server.listen(path));
  return server;
}
