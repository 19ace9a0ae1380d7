import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The request headers to send upstream, and what the proxy learned from them. */
export interface ForwardedRequest {
  /** Flat `[name, value, name, value…]`, as undici takes them. */
  headers: string[];
  requestId: string;
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

/** Copies the client's headers, minus hop-by-hop ones, plus X-Forwarded-* and X-Request-Id. */
export function forwardedRequest(req: IncomingMessage, prefix: string | null): ForwardedRequest {
  const raw = req.rawHeaders;
  const headers: string[] = [];
  let forwardedFor: string | undefined;
  let requestId: string | undefined;
  let host = '';
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const rawName = raw[i]!;
    const name = rawName.toLowerCase();
    const value = raw[i + 1] ?? '';
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
    if (name === 'host') host = value;
    else if (name === 'content-length' && value !== '0') hasBody = true;
    headers.push(rawName, value);
  }
  const client = req.socket.remoteAddress ?? '';
  requestId ??= randomUUID();
  headers.push(
    'x-forwarded-for',
    forwardedFor === undefined ? client : `${forwardedFor}, ${client}`,
    'x-forwarded-proto',
    'http',
    'x-forwarded-host',
    host,
    'x-request-id',
    requestId,
  );
  if (prefix !== null) headers.push('x-forwarded-prefix', prefix);
  return { headers, requestId, hasBody };
}
