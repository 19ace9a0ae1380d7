import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import { applyTimeouts, checkingIntervalMs, type ConnectionLimiter, type FrontDoorLimits, type Http1Timeouts } from './connection-limits.js';
import { applyHttp2Timeouts } from './http2-timeouts.js';
import { closeServer, listenAll } from './listen-loopback.js';

/** The front door's key and certificate chain, in PEM. */
export interface TlsCredentials {
  key: string;
  cert: string;
}

export interface TlsListenerOptions {
  port: number;
  hosts: readonly string[];
  credentials: TlsCredentials;
  /** A certificate for a name the served one does not name exactly (SNI); null: serve the usual one. */
  certificateFor?(servername: string): Promise<TlsCredentials> | null;
  limits: FrontDoorLimits;
  limiter: ConnectionLimiter;
  /** The plain front door's handlers: Node's HTTP/2 compatibility API gives them request and response objects of the same shape. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface TlsListener {
  port: number;
  close(): Promise<void>;
}

/** Per-name certificates kept; the oldest goes first. */
const NAMED_CONTEXTS = 256;
/** Streams one HTTP/2 connection may have open at once, as nginx's default. */
const MAX_CONCURRENT_STREAMS = 128;
const HTTPS_PORT_SETTING = 'herve up --https-port N / HERVE_HTTPS_PORT=N';

/**
 * The HTTPS front door: HTTP/2 and HTTP/1.1 (chosen by ALPN) on the same loopback addresses as
 * the plain one, served by the same handlers, under the same connection limits and timeouts.
 */
export async function listenTls(options: TlsListenerOptions): Promise<TlsListener> {
  const { limits } = options;
  const sockets = new Set<Socket>();
  const onRequest = options.onRequest as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void;
  const SNICallback = options.certificateFor && namedContexts(options.certificateFor);
  const makeServer = (): Http2SecureServer => {
    const server = createSecureServer(
      {
        ...options.credentials,
        SNICallback,
        allowHTTP1: true,
        handshakeTimeout: limits.headerTimeoutMs,
        settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS },
      },
      onRequest,
    );
    // Read by Node's HTTP/1.1 side of the server when it starts listening.
    (server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingIntervalMs(limits);
    applyTimeouts(server as unknown as Http1Timeouts, limits);
    options.limiter.watch(server, (socket) => socket.destroy());
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    server.on('upgrade', options.onUpgrade);
    server.on('session', (session: ServerHttp2Session) => applyHttp2Timeouts(session, limits));
    // A client's protocol error ends its own session; Node needs a listener to leave the server alone.
    server.on('sessionError', () => undefined);
    return server;
  };
  const { port, servers } = await listenAll(makeServer, options.port, options.hosts, HTTPS_PORT_SETTING);
  return {
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map(closeServer));
    },
  };
}

/** Chooses the certificate by the name the client asks for (SNI), each signed once and kept. */
function namedContexts(certificateFor: (servername: string) => Promise<TlsCredentials> | null) {
  const contexts = new Map<string, Promise<SecureContext>>();
  return (servername: string, callback: (error: Error | null, context?: SecureContext) => void): void => {
    const name = servername.toLowerCase();
    let context = contexts.get(name);
    if (context === undefined) {
      const credentials = certificateFor(name);
      if (credentials === null) {
        callback(null);
        return;
      }
      context = credentials.then((pem) => createSecureContext(pem));
      contexts.set(name, context);
      if (contexts.size > NAMED_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
      context.catch(() => contexts.delete(name));
    }
    context.then(
      (ready) => callback(null, ready),
      (error: Error) => callback(error),
    );
  };
}
