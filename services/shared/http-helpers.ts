import type { ServerResponse } from 'node:http';

/** Sends `body` as JSON with `status`, unless a response is already under way. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A JSON error with a stable `error` code and a human message. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers);
}

/** The path and query of a request target, without trusting it to be well-formed. */
export function requestUrl(rawUrl: string | undefined): URL {
  try {
    return new URL(rawUrl ?? '/', 'http://service.invalid');
  } catch {
    return new URL('http://service.invalid/');
  }
}

/** A positive integer from the environment, or `fallback`. */
export function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

// One or more plain path segments: anything else (`//host`, `..`, spaces) is not a prefix we repeat in a Location.
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/;

/**
 * The path prefix the front door stripped (`X-Forwarded-Prefix: /site`), for links and
 * redirects the client follows; '' when absent or not a plain path.
 */
export function forwardedPrefix(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !SAFE_PREFIX.test(value) || /(^|\/)\.\.?(\/|$)/.test(value)) return '';
  return value;
}
