import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { envInteger, requestUrl, sendError, sendJson } from './http-helpers.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ServiceDefinition {
  name: string;
  handle: RequestHandler;
  /** Called once on SIGTERM/SIGINT, before the server stops accepting: end long-lived responses here. */
  onShutdown?: () => void;
  /** Extra fields for the /health answer. */
  healthDetails?: () => Record<string, unknown>;
}

/** Longer than any proxy's idle timeout, so the proxy, not us, closes pooled connections. */
const KEEP_ALIVE_MS = 65_000;

/**
 * Runs a built-in service: listens on HOST:PORT (127.0.0.1 and a free port by default),
 * answers GET /health, logs one line per request (health checks only with LOG_HEALTH_CHECKS=1), and exits 0 on SIGTERM once
 * in-flight requests finish (forcing after SHUTDOWN_GRACE_MS, default 5 s).
 */
export function runService(definition: ServiceDefinition): Server {
  const startedAt = Date.now();
  const logHealthChecks = process.env.LOG_HEALTH_CHECKS === '1';
  let shuttingDown = false;
  const server = createServer((req, res) => {
    const began = performance.now();
    const path = requestUrl(req.url).pathname;
    const isHealthCheck = path === '/health' && (req.method === 'GET' || req.method === 'HEAD');
    // Probes come every second: logging them would bury the requests people look for.
    if (!isHealthCheck || logHealthChecks) res.once('close', () => logRequest(req, res, began));
    if (shuttingDown) res.setHeader('connection', 'close');
    if (isHealthCheck) {
      sendJson(res, 200, { status: 'ok', service: definition.name, pid: process.pid, uptimeMs: Date.now() - startedAt, ...definition.healthDetails?.() });
      return;
    }
    Promise.resolve()
      .then(() => definition.handle(req, res))
      .catch((error: unknown) => {
        console.error(`${definition.name}: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
        sendError(res, 500, 'internal_error', 'the service failed to answer this request');
      });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;

  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`${definition.name}: ${signal} received, finishing in-flight requests`);
    definition.onShutdown?.();
    server.close(() => process.exit(0));
    // A keep-alive connection goes idle once its in-flight response ends: close each as it does.
    setInterval(() => server.closeIdleConnections(), 50).unref();
    setTimeout(
      () => {
        console.log(`${definition.name}: grace period over, closing remaining connections`);
        server.closeAllConnections();
        process.exit(0);
      },
      envInteger('SHUTDOWN_GRACE_MS', 5000),
    ).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const host = process.env.HOST || '127.0.0.1';
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`${definition.name}: cannot listen on ${host}:${process.env.PORT ?? 0}: ${error.message}`);
    process.exit(1);
  });
  server.listen(envInteger('PORT', 0), host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : '?';
    console.log(`${definition.name} listening on http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  });
  return server;
}

function logRequest(req: IncomingMessage, res: ServerResponse, began: number): void {
  const ms = (performance.now() - began).toFixed(1);
  const aborted = res.writableFinished ? '' : ' aborted';
  console.log(`${req.method} ${req.url} ${res.statusCode} ${ms}ms${aborted}`);
}
