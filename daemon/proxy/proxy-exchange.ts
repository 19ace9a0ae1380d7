import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RemoteUpstream, RouteTable, RouteTarget } from '../shared/contracts.js';
import type { RequestSink } from '../requests/request-journal.js';
import type { RequestStatsSink } from '../stats/request-stats.js';
import { forwardedRequest } from './forwarded-headers.js';
import type { TraceContext } from './trace-context.js';
import { sendProxyError, upstreamFailure } from './proxy-errors.js';
import type { RoundRobin } from './round-robin.js';
import { UpstreamProtocolError } from './upstream-client/response-parser.js';
import type { UpstreamController, UpstreamHandler } from './upstream-client/upstream-pool.js';
import type { UpstreamPools } from './upstream-pools.js';

/** What every exchange shares: built once per front door. */
export interface ProxyContext {
  routes: RouteTable;
  pools: UpstreamPools;
  roundRobin: RoundRobin;
  stats: RequestStatsSink;
  /** Absent: no access log, no inspector, no tracing (the bench's plain front door). */
  journal?: RequestSink;
  upstreamTimeoutMs: number;
}

/** The forwarded headers with Host replaced as the remote upstream asks (kept when its host is null). */
function remoteHeaders(headers: string[], upstream: RemoteUpstream): string[] {
  if (upstream.host === null) return headers;
  const rewritten: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.toLowerCase() !== 'host') rewritten.push(name, headers[i + 1] ?? '');
  }
  rewritten.push('host', upstream.host);
  return rewritten;
}

const serverNames = new Map<string, string>();

/** The name TLS asks a remote upstream's certificate for (parsed once per origin). */
function serverNameOf(origin: string): string {
  let name = serverNames.get(origin);
  if (name === undefined) {
    name = new URL(origin).hostname;
    serverNames.set(origin, name);
  }
  return name;
}

/** Status recorded for a request the client gave up on before a response started (nginx's 499). */
const CLIENT_CLOSED = 499;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const RESPONSE_HOP_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade'];

const kExchange = Symbol('herve.exchange');

/** Milliseconds kept to the microsecond: what the access log and spans carry. */
function toMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
type TrackedResponse = ServerResponse & { [kExchange]?: ProxyExchange };

// Module-level listeners (not per-request closures): `this` is the response.
function onClientClose(this: TrackedResponse): void {
  this[kExchange]?.clientClosed();
}
function onClientDrain(this: TrackedResponse): void {
  this[kExchange]?.resumeUpstream();
}

/**
 * One proxied request: a dispatch handler that streams the upstream
 * response into the client response with backpressure, retries a failed
 * connection once when nothing of the request can have been acted on, and records the outcome.
 */
export class ProxyExchange implements UpstreamHandler {
  private readonly startedAt = performance.now();
  private readonly headers: string[];
  private readonly requestId: string;
  private readonly trace: TraceContext;
  private readonly hasBody: boolean;
  private readonly retryable: boolean;
  private controller: UpstreamController | null = null;
  private responseStarted = false;
  private awaitingDrain = false;
  private done = false;
  private retried = false;
  private status = 0;
  private bytesOut = 0;
  private upstreamMs: number | null = null;

  constructor(
    private readonly context: ProxyContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly service: string,
    private readonly path: string,
    private readonly prefix: string | null,
    private target: RouteTarget,
  ) {
    const forwarded = forwardedRequest(req, prefix, context.journal?.tracing === true);
    this.headers = forwarded.headers;
    this.requestId = forwarded.requestId;
    this.trace = forwarded.trace;
    this.hasBody = forwarded.hasBody;
    this.retryable = !forwarded.hasBody && IDEMPOTENT.has(req.method ?? '');
    (res as TrackedResponse)[kExchange] = this;
    res.on('close', onClientClose);
  }

  dispatch(): void {
    const req = this.req;
    const method = req.method ?? 'GET';
    const { upstream } = this.target;
    this.context.pools.forTarget(this.target).dispatch(
      {
        path: upstream ? `${upstream.basePath}${this.path}` : this.path,
        method,
        headers: upstream ? remoteHeaders(this.headers, upstream) : this.headers,
        // TLS names the upstream's host, whatever Host header is sent.
        ...(upstream ? { servername: serverNameOf(upstream.origin) } : {}),
        body: this.hasBody ? req : null,
        headersTimeout: this.context.upstreamTimeoutMs,
        // Streams (SSE, long downloads) may idle for long; only the wait for headers is bounded.
        bodyTimeout: 0,
      },
      this,
    );
  }

  onRequestStart(controller: UpstreamController): void {
    this.controller = controller;
    if (this.done) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(_controller: UpstreamController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.responseStarted = true;
    this.status = statusCode;
    this.upstreamMs = performance.now() - this.startedAt;
    this.report(statusCode);
    for (const name of RESPONSE_HOP_HEADERS) if (headers[name] !== undefined) delete headers[name];
    if (headers['x-request-id'] === undefined) headers['x-request-id'] = this.requestId;
    const res = this.res;
    res.writeHead(statusCode, headers);
    // Streams without a length (SSE, chunked) must show their headers before their first chunk.
    if (headers['content-length'] === undefined) res.flushHeaders();
  }

  onResponseData(controller: UpstreamController, chunk: Buffer): void {
    this.bytesOut += chunk.length;
    if (!this.res.write(chunk) && !this.awaitingDrain) {
      this.awaitingDrain = true;
      controller.pause();
      this.res.once('drain', onClientDrain);
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.finish(this.status);
  }

  onResponseError(_controller: UpstreamController, error: Error): void {
    if (this.done) return;
    if (this.responseStarted) {
      // Mid-body failure: the status is already out; cut the client off so it sees a truncated response.
      this.res.destroy();
      this.finish(this.status);
      return;
    }
    const failure = upstreamFailure(error);
    if (failure !== undefined) this.report(0, failure);
    if (this.shouldRetry(error)) {
      this.retryOnAnotherInstance();
      return;
    }
    this.finish(this.sendError(error));
  }

  clientClosed(): void {
    if (this.done) return;
    this.finish(this.responseStarted ? this.status : CLIENT_CLOSED);
    // Aborting destroys the upstream socket: a half-read response cannot go back to the pool.
    this.controller?.abort(new Error('client closed the connection'));
  }

  resumeUpstream(): void {
    this.awaitingDrain = false;
    this.controller?.resume();
  }

  /**
   * Once, on a connection failure: an idempotent bodiless request, any request refused at connect
   * (nothing reached the upstream), or one whose body was never read from the client (so no byte
   * of it went upstream; the pools read the body only as they write it). A body partly sent is never replayed.
   */
  private shouldRetry(error: Error): boolean {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (this.retried || !CONNECT_FAILURES.has(code)) return false;
    if (this.retryable || code === 'ECONNREFUSED') return true;
    return this.hasBody && !this.req.readableDidRead && !this.req.destroyed;
  }

  /** The one place passive health hears how an attempt went: the answer's status, or 0 and why it failed. */
  private report(status: number, failure?: string): void {
    this.context.routes.report?.(this.target, status, failure);
  }

  private retryOnAnotherInstance(): void {
    this.retried = true;
    const targets = this.context.routes.targets(this.service);
    if (targets === undefined || targets.length === 0) {
      this.finish(sendProxyError(this.res, 'no_ready_instance', `no ready instance of ${this.service}`, this.service));
      return;
    }
    this.target = this.context.roundRobin.other(this.service, targets, this.target);
    this.controller = null;
    this.dispatch();
  }

  private sendError(error: Error): number {
    const code = (error as NodeJS.ErrnoException).code ?? error.name;
    const where = `${this.service}#${this.target.instance} ${this.target.upstream ? `at ${this.target.upstream.origin}` : `on port ${this.target.port}`}`;
    if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      const seconds = this.context.upstreamTimeoutMs / 1000;
      return sendProxyError(this.res, 'gateway_timeout', `${where} sent no response within ${seconds} s`, this.service);
    }
    if (error instanceof UpstreamProtocolError)
      return sendProxyError(this.res, 'bad_gateway', `${where} sent a malformed response: ${error.message}`, this.service);
    return sendProxyError(this.res, 'bad_gateway', `${where} failed: ${code}`, this.service);
  }

  private finish(status: number): void {
    this.done = true;
    const res = this.res as TrackedResponse;
    res[kExchange] = undefined;
    const latencyMs = performance.now() - this.startedAt;
    this.context.stats.record(this.service, this.target.instance, status, this.bytesOut, latencyMs);
    const journal = this.context.journal;
    if (journal === undefined) return;
    const req = this.req;
    journal.record({
      record: {
        at: Math.round(performance.timeOrigin + this.startedAt),
        service: this.service,
        instance: this.target.instance,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status,
        bytes: this.bytesOut,
        durationMs: toMicros(latencyMs),
        upstreamMs: this.upstreamMs === null ? null : toMicros(this.upstreamMs),
        requestId: this.requestId,
        traceId: this.trace.traceId,
      },
      trace: this.trace,
      prefix: this.prefix,
      rawHeaders: req.rawHeaders,
    });
  }
}
