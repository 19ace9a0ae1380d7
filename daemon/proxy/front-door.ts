import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { handleAdmin, type AdminContext } from '../admin/admin-api.js';
import { AuthThrottle } from '../admin/auth-throttle.js';
import { sendError, sendJson, statusOf } from '../admin/http-replies.js';
import type { RequestStatsSource, RouteTable, ServiceControl } from '../shared/contracts.js';
import { createMetrics } from '../metrics/metrics-registry.js';
import type { FinishedRequest, RequestSink } from '../requests/request-journal.js';
import { RequestStatsRecorder, type RequestStatsSink } from '../stats/request-stats.js';
import { applyTimeouts, checkingIntervalMs, ConnectionLimiter, limitsFromEnv } from './connection-limits.js';
import { HostAllowList, listenHostNames, misdirectedBody, type HostNames } from './host-allow-list.js';
import { closeServer, DEFAULT_HOSTS, listenAll, listenOnSocket, serveHandle } from './listen-loopback.js';
import { forwardedRequest } from './forwarded-headers.js';
import { ProxyExchange, type ProxyContext } from './proxy-exchange.js';
import { sendProxyError } from './proxy-errors.js';
import { RoundRobin } from './round-robin.js';
import { hasDuplicateHost, rawHost, routeRequest, unroutedMessage, type ServiceMatch } from './route-match.js';
import type { TlsCredentials, TlsListener } from './tls-listener.js';
import { UpstreamPools } from './upstream-pools.js';
import { WebsocketUpgrades } from './websocket-upgrades.js';
import type { UpstreamReport } from './workers/messages.js';
import type { FrontDoorProcess } from './workers/front-door-workers.js';

interface FrontDoorBase {
  port: number;
  /** Default: 127.0.0.1 and ::1 (when the machine has IPv6), so http://localhost:PORT always works. */
  host?: string;
  routes: RouteTable;
  log?: (message: string) => void;
  /** Longest wait for an upstream's response headers before a 504 (default 30 s). */
  upstreamTimeoutMs?: number;
  /** Where AUTH_ADMIN_ID / AUTH_ADMIN_SECRET are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Hosts answered besides localhost, 127.0.0.1, [::1] and *.localhost (validated by AllowedHost). */
  allowedHosts?: readonly string[];
  /** Hosts named in services' routes, answered too; read live, so it may change as services do. */
  routeHosts?: () => HostNames;
  /** A second, TLS listener (HTTP/2 and HTTP/1.1) with the same handlers; none without. */
  https?: { port: number; credentials: TlsCredentials; certificateFor?(host: string): Promise<TlsCredentials> | null };
  /** Where each proxied request is recorded (access log, inspector, tracing). */
  journal?: RequestSink;
  /** A Unix socket answered like the port, where front-door workers forward Herve's own requests. */
  internalSocket?: string;
  /** The front-door workers, when there are any (`/_herve/workers`). */
  workers?(): readonly FrontDoorProcess[];
}

/** A front-door worker (`herve up --workers N`): another process serving the daemon's listening sockets (`FrontDoor.serve`), not a port of its own. */
export interface WorkerRole {
  /** Herve's own requests (`/`, the admin API, /metrics) are the daemon's to answer. */
  forwardOwn(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * The daemon's front door answers Herve's own requests from `control`; a worker's forwards them, and
 * records no figures itself: its journal sink carries each request's to the daemon.
 */
export type FrontDoorOptions = FrontDoorBase & ({ control: ServiceControl; worker?: undefined } | { control?: undefined; worker: WorkerRole });

export interface FrontDoor {
  port: number;
  /** The HTTPS listener's port; null when HTTPS is off. */
  httpsPort: number | null;
  requestStats: RequestStatsSource;
  /** The plain listening servers, to hand to front-door workers. */
  listening: readonly NetServer[];
  /**
   * Serves a listening socket the daemon handed over (a worker's share of its port). Synchronous on purpose: called
   * as the socket arrives, no connection can be accepted by the bare server IPC delivered it as.
   */
  serve(handle: NetServer): void;
  /** Requests in flight to one upstream port, so a retiring instance can drain. */
  inFlight(port: number): number;
  /** What a front-door worker served, recorded as if served here: stats, the journal, passive health. */
  adopt(requests: readonly FinishedRequest[], reports: readonly UpstreamReport[]): void;
  close(): Promise<void>;
}

const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
const CONNECTIONS_PER_UPSTREAM = 128;
// Below Node's default server keep-alive (5 s), so the proxy drops an idle socket before the upstream does.
const UPSTREAM_KEEP_ALIVE_MS = 4_000;

/**
 * The HTTP front door on PORT: proxies `/<name>/…` and `<name>.localhost` to
 * ready instances, and serves Herve's own endpoints (`/`, `/health`,
 * `/services…`, `/metrics`). Throws HerveError('port_in_use') without leaving
 * anything open when the port is taken.
 */
export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const log = options.log ?? (() => undefined);
  const limits = limitsFromEnv(options.env ?? process.env);
  const stats = new RequestStatsRecorder();
  const worker = options.worker;
  const pools = new UpstreamPools({ connectionsPerUpstream: CONNECTIONS_PER_UPSTREAM, keepAliveTimeoutMs: UPSTREAM_KEEP_ALIVE_MS });
  const roundRobin = new RoundRobin();
  const proxy: ProxyContext = {
    routes: options.routes,
    pools,
    roundRobin,
    stats: worker === undefined ? stats : NO_STATS,
    journal: options.journal,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
  };
  const hosts = new HostAllowList({
    hosts: [...(options.allowedHosts ?? []), ...listenHostNames(options.host)],
    routeHosts: options.routeHosts ?? routeHostsOf(options.routes),
  });
  const websockets = new WebsocketUpgrades(options.routes, roundRobin, hosts);
  let port = options.port;
  const processes = (): FrontDoorProcess[] => frontDoorProcesses(stats, options.workers?.() ?? []);
  const answerOwn =
    worker?.forwardOwn ?? adminHandler(options.control!, { stats, routes: options.routes, env: options.env, port: () => port, pools, processes, log });

  const limiter = new ConnectionLimiter(limits);
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (limiter.isRefused(req.socket)) return;
    if (hasDuplicateHost(req.rawHeaders)) {
      // HTTP/2 has no Connection header: the stream ends, the connection may carry others.
      const closing: Record<string, string> = req.httpVersionMajor === 2 ? {} : { connection: 'close' };
      sendError(res, 'bad_request', 'more than one Host header; send exactly one', undefined, closing);
      return;
    }
    const host = rawHost(req.rawHeaders);
    if (!hosts.allows(host)) {
      req.resume();
      const body = misdirectedBody(host, hosts.list());
      sendJson(res, statusOf(body.error), body);
      return;
    }
    const match = routeRequest(options.routes, req.url ?? '/', host);
    if (match === null) answerOwn(req, res);
    else proxyRequest(proxy, req, res, match);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => websockets.handle(req, socket, head);
  const makeServer = (): Server => {
    const server = createServer({ connectionsCheckingInterval: checkingIntervalMs(limits) }, onRequest);
    applyTimeouts(server, limits);
    limiter.watch(server);
    server.on('upgrade', onUpgrade);
    return server;
  };

  let servers: Server[] = [];
  let tls: TlsListener | null = null;
  let internal: Server | null = null;
  const listenHosts = options.host === undefined ? DEFAULT_HOSTS : [options.host];
  try {
    if (worker === undefined) ({ port, servers } = await listenAll(makeServer, options.port, listenHosts));
    if (options.internalSocket !== undefined) internal = await listenOnSocket(makeServer(), options.internalSocket);
    if (options.https !== undefined) {
      // Loaded only when HTTPS is on.
      const { listenTls } = await import('./tls-listener.js');
      const { certificateFor } = options.https;
      // Only for a host the front door answers for: a client cannot have it sign any name it likes.
      const forAllowedHost = certificateFor && ((name: string) => (hosts.allows(name) ? certificateFor(name) : null));
      tls = await listenTls({ ...options.https, certificateFor: forAllowedHost, hosts: listenHosts, limits, limiter, onRequest, onUpgrade });
    }
  } catch (error) {
    await Promise.all([...servers, ...(internal ? [internal] : [])].map(closeServer));
    websockets.close();
    await pools.close();
    throw error;
  }
  log(`front door listening on port ${port}${tls === null ? '' : ` and ${tls.port} (HTTPS)`}, answering for ${hosts.list().join(', ')}`);

  return {
    port,
    httpsPort: tls?.port ?? null,
    requestStats: stats,
    listening: servers,
    serve(handle) {
      servers.push(serveHandle(makeServer(), handle));
      port = portOf(handle) ?? port;
    },
    inFlight: (upstreamPort) => pools.inFlight(upstreamPort),
    adopt(requests, reports) {
      for (const request of requests) {
        const { record } = request;
        stats.record(record.service, record.instance, record.status, record.bytes, record.durationMs, record.at);
        options.journal?.record(request);
      }
      for (const [target, status, failure] of reports) options.routes.report?.(target, status, failure ?? undefined);
    },
    async close() {
      websockets.close();
      await Promise.all([...servers.map(closeServer), internal && closeServer(internal), tls?.close()]);
      await pools.close();
    },
  };
}

function portOf(server: NetServer | undefined): number | null {
  const address = server?.address();
  return typeof address === 'object' && address !== null ? address.port : null;
}

const NO_STATS: RequestStatsSink = { record: () => undefined };

interface AdminParts {
  stats: RequestStatsRecorder;
  routes: RouteTable;
  env: NodeJS.ProcessEnv | undefined;
  port(): number;
  pools: UpstreamPools;
  processes(): FrontDoorProcess[];
  log(message: string): void;
}

/** The daemon (index 0) and its workers; the daemon served what the workers did not. */
function frontDoorProcesses(stats: RequestStatsRecorder, workers: readonly FrontDoorProcess[]): FrontDoorProcess[] {
  let total = 0;
  for (const totals of stats.totals().values()) total += totals.total;
  const byWorkers = workers.reduce((sum, worker) => sum + worker.served, 0);
  return [{ index: 0, pid: process.pid, serving: true, served: total - byWorkers, restarts: 0 }, ...workers];
}

function adminHandler(control: ServiceControl, parts: AdminParts): (req: IncomingMessage, res: ServerResponse) => void {
  const admin: AdminContext = {
    control,
    routes: parts.routes,
    metrics: createMetrics(parts.stats, control, parts.log),
    env: parts.env ?? process.env,
    startedAt: Date.now(),
    port: parts.port,
    upstreams: () => parts.pools.usage(),
    frontDoorProcesses: parts.processes,
    log: parts.log,
    authThrottle: new AuthThrottle(),
  };
  return (req, res) => void handleAdmin(req, res, admin);
}

function proxyRequest(context: ProxyContext, req: IncomingMessage, res: ServerResponse, match: ServiceMatch): void {
  const targets = context.routes.targets(match.name);
  if (targets === undefined || match.unrouted) {
    sendProxyError(res, 'unknown_service', unroutedMessage(match.name, targets !== undefined), match.name);
    return;
  }
  if (targets.length === 0) {
    const status = sendProxyError(res, 'no_ready_instance', `no ready instance of ${match.name}; try again shortly`, match.name);
    context.stats.record(match.name, null, status, 0, 0);
    recordUnanswered(context, req, match, status);
    return;
  }
  const target = context.roundRobin.next(match.name, targets);
  new ProxyExchange(context, req, res, match.name, match.path, match.prefix, target).dispatch();
}

/** A request no instance could take is still one the access log, the inspector and tracing show. */
function recordUnanswered(context: ProxyContext, req: IncomingMessage, match: ServiceMatch, status: number): void {
  const journal = context.journal;
  if (journal === undefined) return;
  const { requestId, trace } = forwardedRequest(req, match.prefix, journal.tracing);
  const record = {
    at: Date.now(),
    service: match.name,
    instance: null,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    status,
    bytes: 0,
    durationMs: 0,
    upstreamMs: null,
    requestId,
    traceId: trace.traceId,
  };
  journal.record({ record, trace, prefix: match.prefix, rawHeaders: req.rawHeaders });
}

/** The hosts services are routed by (`route.hosts`) are answered for too. */
function routeHostsOf(routes: RouteTable): (() => HostNames) | undefined {
  const index = routes.routeIndex?.bind(routes);
  return index === undefined ? undefined : () => index().hostNames();
}
