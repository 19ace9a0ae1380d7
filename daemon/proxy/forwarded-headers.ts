import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { formatTraceparent, requestIdFor, traceContextFor, type TraceContext } from './trace-context.js';

/** The request headers to send upstream, and what the proxy learned from them. */
export interface ForwardedRequest {
  /** Flat `[name, value, name, value…]`, as undici takes them. */
  headers: string[];
  requestId: string;
  trace: TraceContext;
  /** Whether the client sends a body (content-length > 0 or chunked). */
  hasBody: boolean;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and ones undici refuses or the proxy rewrites.
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-prefix',
]);

/**
 * Copies the client's headers, minus hop-by-hop ones, plus X-Forwarded-*, X-Request-Id and
 * traceparent (`ownSpan`: the front door's span becomes the service's parent). An HTTP/2 request
 * goes upstream as HTTP/1.1: no pseudo-headers, `:authority` as `Host`, its `cookie` fields joined
 * into one (RFC 9113 §8.2.3).
 */
export function forwardedRequest(req: IncomingMessage, prefix: string | null, ownSpan: boolean): ForwardedRequest {
  const raw = req.rawHeaders;
  const headers: string[] = [];
  let forwardedFor: string | undefined;
  let requestId: string | undefined;
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  let host = '';
  let hasBody = false;
  const http2 = req.httpVersionMajor === 2;
  let authority: string | undefined;
  let cookie: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const rawName = raw[i]!;
    const name = rawName.toLowerCase();
    const value = raw[i + 1] ?? '';
    if (http2) {
      if (name.charCodeAt(0) === 58 /* : */) {
        if (name === ':authority') authority = value;
        continue;
      }
      if (name === 'cookie') {
        cookie = cookie === undefined ? value : `${cookie}; ${value}`;
        continue;
      }
    }
    if (DROPPED.has(name)) {
      if (name === 'transfer-encoding') hasBody = true;
      continue;
    }
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      continue;
    }
    if (name === 'x-request-id') {
      requestId = value;
      continue;
    }
    if (name === 'traceparent' || name === 'tracestate') {
      if (name === 'traceparent') traceparent = value;
      else tracestate = value;
      continue;
    }
    if (name === 'host') host = value;
    else if (name === 'content-length' && value !== '0') hasBody = true;
    headers.push(rawName, value);
  }
  if (host === '' && authority !== undefined) {
    host = authority;
    headers.push('host', host);
  }
  // HTTP/2 needs no length or chunking to send a body: there is one unless the headers ended the stream.
  if (http2 && !(req as unknown as Http2ServerRequest).stream.endAfterHeaders) hasBody = true;
  if (cookie !== undefined) headers.push('cookie', cookie);
  const client = req.socket.remoteAddress ?? '';
  const trace = traceContextFor(traceparent, ownSpan);
  const id = requestIdFor(requestId);
  headers.push(
    'x-forwarded-for',
    forwardedFor === undefined ? client : `${forwardedFor}, ${client}`,
    'x-forwarded-proto',
    (req.socket as TLSSocket).encrypted === true ? 'https' : 'http',
    'x-forwarded-host',
    host,
    'x-request-id',
    id,
    'traceparent',
    formatTraceparent(trace),
  );
  // A tracestate belongs to the trace its traceparent named: dropped with a replaced one.
  if (tracestate !== undefined && trace.parentSpanId !== null) headers.push('tracestate', tracestate);
  if (prefix !== null) headers.push('x-forwarded-prefix', prefix);
  return { headers, requestId: id, trace, hasBody };
}
