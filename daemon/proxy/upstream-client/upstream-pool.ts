import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { ResponseParser, type ResponseSink } from './response-parser.js';

/** One request to send upstream: the fields the front door sets (undici's DispatchOptions, narrowed). */
export interface UpstreamRequest {
  path: string;
  method: string;
  /** Flat `[name, value, …]`, hop-by-hop fields already removed. */
  headers: string[];
  /** The client's request, read only once the connection is up; null when there is no body. */
  body: IncomingMessage | null;
  /** Longest wait for the response head once the request is sent. */
  headersTimeout: number;
}

/** How a dispatch is steered while it runs (undici's DispatchController, the same shape). */
export interface UpstreamController {
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: Error | null;
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

/** What hears how a dispatch goes (undici's DispatchHandler callbacks the front door implements). */
export interface UpstreamHandler {
  onRequestStart?(controller: UpstreamController, context: unknown): void;
  onResponseStart?(controller: UpstreamController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void;
  onResponseData?(controller: UpstreamController, chunk: Buffer): void;
  onResponseEnd?(controller: UpstreamController, trailers: IncomingHttpHeaders): void;
  onResponseError?(controller: UpstreamController, error: Error): void;
}

export interface UpstreamPoolStats {
  connected: number;
  free: number;
  running: number;
  pending: number;
}

export interface UpstreamPoolOptions {
  host: string;
  port: number;
  /** Most connections open at once; further requests wait in order. */
  connections: number;
  /** An idle connection older than this is closed by `closeIdle`. */
  keepAliveTimeoutMs: number;
}

/** An error carrying the code the front door reads (the same codes undici uses, so one handler serves both clients). */
function upstreamError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

interface Dispatch {
  request: UpstreamRequest;
  handler: UpstreamHandler;
}

/**
 * A pool of plain HTTP/1.1 keep-alive connections to one upstream (no TLS, no pipelining): the
 * front door's client for local instances and plain-HTTP remote ones. It does only what a proxy
 * needs, which makes it a good deal cheaper per request than a general client.
 */
export class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly queue: Dispatch[] = [];
  private readonly busy = new Set<UpstreamConnection>();
  private open = 0;
  private running = 0;
  private closing = false;

  constructor(readonly options: UpstreamPoolOptions) {}

  get stats(): UpstreamPoolStats {
    return { connected: this.open, free: this.idle.length, running: this.running, pending: this.queue.length };
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    const dispatch = { request, handler };
    if (this.closing) {
      failBeforeStart(dispatch, upstreamError('UND_ERR_DESTROYED', 'the upstream pool is closed'));
      return;
    }
    const connection = this.idle.pop() ?? (this.open < this.options.connections ? this.connect() : undefined);
    if (connection === undefined) this.queue.push(dispatch);
    else this.run(connection, dispatch);
  }

  /** Closes connections idle longer than the keep-alive timeout (before the upstream drops them under a request). */
  closeIdle(now: number): void {
    const oldest = now - this.options.keepAliveTimeoutMs;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const connection = this.idle[i]!;
      if (connection.idleSince <= oldest) {
        this.idle.splice(i, 1);
        connection.destroy();
      }
    }
  }

  /** No new requests; idle connections close now, busy ones once their response ends. */
  async close(): Promise<void> {
    this.closing = true;
    for (const connection of this.idle.splice(0)) connection.destroy();
    while (this.open > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Ends everything now: queued and running requests fail. */
  async destroy(): Promise<void> {
    this.closing = true;
    const error = upstreamError('UND_ERR_DESTROYED', 'the upstream pool is closed');
    for (const dispatch of this.queue.splice(0)) failBeforeStart(dispatch, error);
    for (const connection of this.idle.splice(0)) connection.destroy();
    for (const connection of this.busy) connection.fail(error);
  }

  private connect(): UpstreamConnection {
    this.open++;
    return new UpstreamConnection(this, this.options.host, this.options.port);
  }

  private run(connection: UpstreamConnection, dispatch: Dispatch): void {
    this.running++;
    this.busy.add(connection);
    connection.send(dispatch);
  }

  /** Called by a connection whose exchange ended; `reusable` when it may carry the next one. */
  released(connection: UpstreamConnection, reusable: boolean): void {
    this.running--;
    this.busy.delete(connection);
    if (!reusable || this.closing) {
      connection.destroy(); // counted out when its socket closes
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      this.run(connection, next);
      return;
    }
    connection.idleSince = Date.now();
    this.idle.push(connection);
  }

  /** A connection's socket closed (once per connection): it no longer counts, and a waiting request may open another. */
  closed(connection: UpstreamConnection): void {
    const index = this.idle.indexOf(connection);
    if (index !== -1) this.idle.splice(index, 1);
    this.open--;
    const next = this.closing ? undefined : this.queue.shift();
    if (next !== undefined) this.run(this.connect(), next);
  }
}

function failBeforeStart(dispatch: Dispatch, error: Error): void {
  const controller = new NoConnectionController();
  dispatch.handler.onRequestStart?.(controller, {});
  dispatch.handler.onResponseError?.(controller, error);
}

class NoConnectionController implements UpstreamController {
  readonly aborted = false;
  readonly paused = false;
  readonly reason = null;
  abort(): void {}
  pause(): void {}
  resume(): void {}
}

/** One socket to the upstream and the exchange it carries (at most one at a time). */
class UpstreamConnection implements ResponseSink, UpstreamController {
  idleSince = 0;
  aborted = false;
  paused = false;
  reason: Error | null = null;
  private readonly socket: Socket;
  private readonly parser = new ResponseParser(this);
  private current: Dispatch | null = null;
  private connected = false;
  private gone = false;
  private requestSent = false;
  private responseEnded = false;
  private awaitingHead = false;
  private headTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: UpstreamPool,
    host: string,
    port: number,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('data', (data: Buffer) => this.onData(data));
    this.socket.on('end', () => this.onSocketEnd());
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.onClose());
  }

  send(dispatch: Dispatch): void {
    this.current = dispatch;
    this.aborted = false;
    this.paused = false;
    this.reason = null;
    this.requestSent = false;
    const { request, handler } = dispatch;
    this.parser.begin(request.method !== 'HEAD');
    handler.onRequestStart?.(this, {});
    if (this.current !== dispatch) return; // aborted before anything was sent
    const chunked = request.body !== null && !hasHeader(request.headers, 'content-length');
    this.requestSent = true;
    this.socket.write(requestHead(request, chunked));
    this.armHeadTimer(request.headersTimeout);
    const body = request.body;
    if (body === null) return;
    // The body is read only once the connection is up: a refused connect leaves it unread, so it can go elsewhere.
    if (this.connected) this.streamBody(body, chunked);
    else this.socket.once('connect', () => this.current === dispatch && this.streamBody(body, chunked));
  }

  // ResponseSink: called from inside parser.execute; the connection is released once that returns.
  onHead(status: number, headers: IncomingHttpHeaders): void {
    this.awaitingHead = false;
    this.current?.handler.onResponseStart?.(this, status, headers);
  }

  onBody(chunk: Buffer): void {
    this.current?.handler.onResponseData?.(this, chunk);
  }

  onEnd(): void {
    const dispatch = this.current;
    if (dispatch === null) return;
    this.finishExchange();
    this.responseEnded = true;
    dispatch.handler.onResponseEnd?.(this, {});
  }

  // UpstreamController
  abort(reason: Error): void {
    const dispatch = this.current;
    if (dispatch === null) return;
    this.aborted = true;
    this.reason = reason;
    if (this.requestSent) {
      this.fail(reason);
      return;
    }
    // Nothing went upstream: the connection is as good as before.
    this.finishExchange();
    this.pool.released(this, !this.gone);
    dispatch.handler.onResponseError?.(this, reason);
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket.resume();
  }

  /** Fails the exchange in flight, if any, and closes the socket. */
  fail(error: Error): void {
    this.gone = true;
    this.socket.destroy();
    const dispatch = this.current;
    if (dispatch === null) return;
    this.finishExchange();
    this.pool.released(this, false);
    dispatch.handler.onResponseError?.(this, error);
  }

  destroy(): void {
    this.gone = true;
    this.socket.destroy();
  }

  private onConnect(): void {
    this.connected = true;
  }

  private onData(data: Buffer): void {
    if (this.current === null) {
      this.fail(upstreamError('UND_ERR_SOCKET', 'the upstream sent data nobody asked for'));
      return;
    }
    try {
      this.parser.execute(data);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (this.responseEnded) this.release(this.parser.keepAlive && !this.parser.overran);
  }

  private onSocketEnd(): void {
    if (this.current !== null && this.parser.end()) this.release(false);
    else this.fail(upstreamError('UND_ERR_SOCKET', 'the upstream closed the connection before the response ended'));
  }

  private release(reusable: boolean): void {
    this.responseEnded = false;
    this.pool.released(this, reusable && !this.gone);
  }

  private onClose(): void {
    if (this.current !== null) this.fail(upstreamError('UND_ERR_SOCKET', 'the upstream closed the connection'));
    this.gone = true;
    if (this.headTimer !== null) clearTimeout(this.headTimer);
    this.pool.closed(this);
  }

  private finishExchange(): void {
    this.current = null;
    this.awaitingHead = false;
    if (this.paused) this.resume();
  }

  // One timer per connection, re-armed per request: cheaper than a timer per request.
  private armHeadTimer(timeoutMs: number): void {
    this.awaitingHead = true;
    if (this.headTimer === null) {
      this.headTimer = setTimeout(() => this.onHeadTimeout(timeoutMs), timeoutMs);
      this.headTimer.unref();
    } else {
      this.headTimer.refresh();
    }
  }

  private onHeadTimeout(timeoutMs: number): void {
    if (!this.awaitingHead || this.current === null) return;
    this.fail(upstreamError('UND_ERR_HEADERS_TIMEOUT', `no response headers within ${timeoutMs} ms`));
  }

  private streamBody(body: IncomingMessage, chunked: boolean): void {
    const dispatch = this.current;
    const socket = this.socket;
    const onData = (chunk: Buffer): void => {
      if (this.current !== dispatch) return;
      const flushed = chunked ? writeChunk(socket, chunk) : socket.write(chunk);
      if (!flushed) {
        body.pause();
        socket.once('drain', () => body.resume());
      }
    };
    body.on('data', onData);
    body.once('end', () => {
      body.off('data', onData);
      if (chunked && this.current === dispatch) socket.write('0\r\n\r\n');
    });
    // The client went away mid-body: what went upstream is an incomplete request.
    body.once('close', () => {
      if (!body.complete && this.current === dispatch) this.fail(upstreamError('UND_ERR_ABORTED', 'the client aborted its request body'));
    });
  }
}

function writeChunk(socket: Socket, chunk: Buffer): boolean {
  socket.write(`${chunk.length.toString(16)}\r\n`);
  socket.write(chunk);
  return socket.write('\r\n');
}

function hasHeader(headers: string[], lowerName: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.length === lowerName.length && headers[i]!.toLowerCase() === lowerName) return true;
  return false;
}

function requestHead(request: UpstreamRequest, chunked: boolean): string {
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  const headers = request.headers;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  if (chunked) head += 'transfer-encoding: chunked\r\n';
  return `${head}\r\n`;
}
