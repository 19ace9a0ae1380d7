import { readFileSync } from 'node:fs';
import { STATUS_CODES, type Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { ErrorCode } from '../../protocol/index.js';
import { statusOf } from '../admin/http-replies.js';
import { wholeNumberFromEnv } from '../startup/env-number.js';

/** The front door's bounds on its clients; each can be set with the env var beside it. */
export interface FrontDoorLimits {
  /** HERVE_HEADER_TIMEOUT_MS: a client must send its request headers within this (half-open connections are cut). */
  headerTimeoutMs: number;
  /** HERVE_REQUEST_TIMEOUT_MS: the whole request, body included, within this; 0 = no bound. */
  requestTimeoutMs: number;
  /** HERVE_KEEPALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** HERVE_MAX_CONNECTIONS: open client connections in all. */
  maxConnections: number;
  /** HERVE_MAX_CONNECTIONS_PER_CLIENT: open connections from one client address. */
  maxConnectionsPerClient: number;
}

const ENV_NAMES: Record<keyof FrontDoorLimits, string> = {
  headerTimeoutMs: 'HERVE_HEADER_TIMEOUT_MS',
  requestTimeoutMs: 'HERVE_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'HERVE_KEEPALIVE_TIMEOUT_MS',
  maxConnections: 'HERVE_MAX_CONNECTIONS',
  maxConnectionsPerClient: 'HERVE_MAX_CONNECTIONS_PER_CLIENT',
};

/** Lowest accepted value of each; request timeout 0 turns it off. */
const MINIMUM: Record<keyof FrontDoorLimits, number> = {
  headerTimeoutMs: 100,
  requestTimeoutMs: 0,
  keepAliveTimeoutMs: 100,
  maxConnections: 1,
  maxConnectionsPerClient: 1,
};

/**
 * Defaults for a developer's machine: generous for a browser, wrk or a test suite, yet a flood of
 * idle connections is cut after 10 s and can never take the daemon to its file-descriptor limit
 * (each proxied connection may also hold an upstream one, hence half the limit at most).
 */
export function defaultLimits(): FrontDoorLimits {
  const total = Math.min(4096, Math.floor(openFileLimit() / 2));
  return {
    headerTimeoutMs: 10_000,
    requestTimeoutMs: 300_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: total,
    maxConnectionsPerClient: Math.min(total, 1024),
  };
}

/** The limits, with HERVE_* overrides from `env`; a bad value is a HerveError naming the variable. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): FrontDoorLimits {
  const limits = defaultLimits();
  for (const key of Object.keys(ENV_NAMES) as (keyof FrontDoorLimits)[]) {
    limits[key] = wholeNumberFromEnv(env, ENV_NAMES[key], limits[key], MINIMUM[key]);
  }
  return limits;
}

/** The HTTP/1.1 timeouts of a server: `node:http`'s, and those of an HTTP/2 server that also speaks HTTP/1.1. */
export type Http1Timeouts = Pick<HttpServer, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;

/** Applies the timeouts to one of the front door's HTTP servers. */
export function applyTimeouts(server: Http1Timeouts, limits: FrontDoorLimits): void {
  server.headersTimeout = limits.headerTimeoutMs;
  // Node requires a request timeout of 0 or at least the headers timeout.
  server.requestTimeout = limits.requestTimeoutMs === 0 ? 0 : Math.max(limits.requestTimeoutMs, limits.headerTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}

/** How often Node looks for connections past their header or request deadline. */
export function checkingIntervalMs(limits: FrontDoorLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headerTimeoutMs / 4)));
}

const REFUSAL_CODE: ErrorCode = 'too_many_connections';
const REFUSAL_STATUS = statusOf(REFUSAL_CODE);
const REFUSAL_BODY = JSON.stringify({ error: REFUSAL_CODE, message: 'too many open connections to the front door; try again shortly' });
const REFUSAL = `HTTP/1.1 ${REFUSAL_STATUS} ${STATUS_CODES[REFUSAL_STATUS]}\r\nContent-Type: application/json\r\nContent-Length: ${REFUSAL_BODY.length}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${REFUSAL_BODY}`;

/** Counts open client connections across the front door's servers and refuses those over a cap. */
export class ConnectionLimiter {
  private total = 0;
  private readonly perClient = new Map<string, number>();
  private readonly refused = new WeakSet<Socket>();

  constructor(private readonly limits: FrontDoorLimits) {}

  /**
   * Listen on `server`'s connections (before any data is read from them). A refused one is told
   * so in HTTP; a TLS one cannot be before its handshake, so `refuse` closes it instead.
   */
  watch(server: Server, refuse: (socket: Socket) => void = refuseInHttp): void {
    server.on('connection', (socket: Socket) => this.admit(socket, refuse));
  }

  /** A request that arrived on a refused connection before it closed: not to be served. */
  isRefused(socket: Socket): boolean {
    return this.refused.has(socket);
  }

  private admit(socket: Socket, refuse: (socket: Socket) => void): void {
    const client = socket.remoteAddress ?? '';
    const fromClient = this.perClient.get(client) ?? 0;
    if (this.total >= this.limits.maxConnections || fromClient >= this.limits.maxConnectionsPerClient) {
      this.refused.add(socket);
      refuse(socket);
      return;
    }
    this.total += 1;
    this.perClient.set(client, fromClient + 1);
    socket.once('close', () => {
      this.total -= 1;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left === 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    });
  }
}

function refuseInHttp(socket: Socket): void {
  socket.end(REFUSAL);
  setTimeout(() => socket.destroy(), 1000).unref();
}

function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((row) => row.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) && soft > 0 ? soft : 1024;
  } catch {
    return 1024;
  }
}
