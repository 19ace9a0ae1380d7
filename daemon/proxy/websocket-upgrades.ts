import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import type HttpProxy from 'http-proxy';
import type { ErrorCode } from '../../protocol/index.js';
import { statusOf } from '../admin/http-replies.js';
import { crossOriginRefusal } from '../admin/browser-guard.js';
import type { RouteTable, RouteTarget } from '../shared/contracts.js';
import { misdirectedBody, type HostAllowList } from './host-allow-list.js';
import { upstreamFailure } from './proxy-errors.js';
import type { RoundRobin } from './round-robin.js';
import { rawHost, routeRequest, unroutedMessage } from './route-match.js';

/**
 * Websocket (and other `Upgrade`) requests go through http-proxy's `ws`, which
 * pipes the two sockets once the upstream accepts. Routing is the same as for
 * plain requests; errors are a short HTTP response on the raw socket.
 */
export class WebsocketUpgrades {
  // Created on the first upgrade, not at the daemon's start: a daemon that never proxies a websocket keeps its RSS.
  private proxyServer: HttpProxy | undefined;
  private readonly sockets = new Set<Duplex>();
  /** Where each upgrade went, so a refused connection counts against that instance (passive health). */
  private readonly targets = new WeakMap<IncomingMessage, RouteTarget>();

  constructor(
    private readonly routes: RouteTable,
    private readonly roundRobin: RoundRobin,
    private readonly hosts: HostAllowList,
  ) {}

  private get proxy(): HttpProxy {
    if (this.proxyServer) return this.proxyServer;
    const httpProxy = createRequire(import.meta.url)('http-proxy') as typeof HttpProxy;
    const proxy = httpProxy.createProxyServer({ xfwd: true, ws: true });
    // The error may come after the sockets were joined, when an HTTP reply would corrupt the stream.
    proxy.on('error', (error, req, socket) => {
      this.reportConnectFailure(error, req);
      if (socket && 'destroy' in socket) (socket as Duplex).destroy();
    });
    this.proxyServer = proxy;
    return proxy;
  }

  /** Only a failed connect is the instance's fault here: a reset after the upgrade may be either side's. */
  private reportConnectFailure(error: Error, req: IncomingMessage): void {
    const target = this.targets.get(req);
    const code = (error as NodeJS.ErrnoException).code;
    if (target === undefined || (code !== 'ECONNREFUSED' && code !== 'UND_ERR_CONNECT_TIMEOUT')) return;
    this.routes.report?.(target, 0, upstreamFailure(error));
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const host = rawHost(req.rawHeaders);
    if (!this.hosts.allows(host)) {
      refuse(socket, misdirectedBody(host, this.hosts.list()));
      return;
    }
    const match = routeRequest(this.routes, req.url ?? '/', host);
    if (match === null) {
      const crossOrigin = crossOriginRefusal(req.headers);
      if (crossOrigin !== null) refuse(socket, crossOrigin);
      else refuse(socket, { error: 'not_found', message: 'upgrades are only proxied to services', service: '' });
      return;
    }
    const targets = this.routes.targets(match.name);
    if (targets === undefined || match.unrouted) {
      refuse(socket, { error: 'unknown_service', message: unroutedMessage(match.name, targets !== undefined), service: match.name });
      return;
    }
    if (targets.length === 0) {
      refuse(socket, { error: 'no_ready_instance', message: `no ready instance of ${match.name}`, service: match.name });
      return;
    }
    const target = this.roundRobin.next(match.name, targets);
    this.targets.set(req, target);
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
    this.proxyServer?.close();
  }
}

/** A JSON HTTP reply on the raw socket with its code's status, then close. */
function refuse(socket: Duplex, body: { error: ErrorCode; message: string; service?: string }): void {
  if (socket.destroyed) return;
  const status = statusOf(body.error);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${text}`,
  );
}
