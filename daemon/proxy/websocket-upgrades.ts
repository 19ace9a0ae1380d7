import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { RouteTable } from '../contracts.js';
import type { RoundRobin } from './round-robin.js';
import { matchService, rawHost } from './route-match.js';

/**
 * Websocket (and other `Upgrade`) requests go through http-proxy's `ws`, which
 * pipes the two sockets once the upstream accepts. Routing is the same as for
 * plain requests; errors are a short HTTP response on the raw socket.
 */
export class WebsocketUpgrades {
  private readonly proxy = httpProxy.createProxyServer({ xfwd: true, ws: true });
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly routes: RouteTable, private readonly roundRobin: RoundRobin) {
    // The error may come after the sockets were joined, when an HTTP reply would corrupt the stream.
    this.proxy.on('error', (_error, _req, socket) => {
      if (socket && 'destroy' in socket) (socket as Duplex).destroy();
    });
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = matchService(req.url ?? '/', rawHost(req.rawHeaders));
    if (match === null) {
      refuse(socket, 404, 'not_found', 'upgrades are only proxied to services', '');
      return;
    }
    const targets = this.routes.targets(match.name);
    if (targets === undefined) {
      refuse(socket, 404, 'unknown_service', `no service named ${match.name}`, match.name);
      return;
    }
    if (targets.length === 0) {
      refuse(socket, 503, 'no_ready_instance', `no ready instance of ${match.name}`, match.name);
      return;
    }
    const target = this.roundRobin.next(match.name, targets);
    req.url = match.path;
    if (match.prefix !== null) req.headers['x-forwarded-prefix'] = match.prefix;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const { upstream } = target;
    if (upstream === undefined) this.proxy.ws(req, socket, head, { target: { host: '127.0.0.1', port: target.port } });
    else {
      if (upstream.host !== null) req.headers.host = upstream.host;
      req.url = `${upstream.basePath}${match.path}`;
      this.proxy.ws(req, socket, head, { target: upstream.origin, secure: !upstream.insecure });
    }
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.proxy.close();
  }
}

const REASONS: Record<number, string> = { 404: 'Not Found', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number, error: string, message: string, service: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error, message, service });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
