/** Where a request goes: a service (by path prefix or host) or Herve's own endpoints. */
export interface ServiceMatch {
  name: string;
  /** Path and query to send upstream. */
  path: string;
  /** `/<name>` when routed by path prefix (stripped), null when routed by host. */
  prefix: string | null;
}

const RESERVED_SEGMENTS = new Set(['', 'health', 'services', 'metrics']);
const LOCALHOST_SUFFIX = '.localhost';

/** The service a `Host` header names (`<name>.localhost[:port]`), or null. */
export function serviceFromHost(host: string | undefined): string | null {
  if (host === undefined || host.length <= LOCALHOST_SUFFIX.length || host.charCodeAt(0) === 91 /* [ */) return null;
  const colon = host.indexOf(':');
  const hostname = (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
  if (!hostname.endsWith(LOCALHOST_SUFFIX)) return null;
  const name = hostname.slice(0, -LOCALHOST_SUFFIX.length);
  return isReservedSegment(name) ? null : name;
}

export function isReservedSegment(segment: string): boolean {
  return RESERVED_SEGMENTS.has(segment) || segment.startsWith('_herve');
}

/**
 * Route by `Host` first, then by the first path segment; null means the request
 * is Herve's own (`/`, `/health`, `/services…`, `/metrics`, `/_herve…`).
 */
export function matchService(url: string, host: string | undefined): ServiceMatch | null {
  const hostName = serviceFromHost(host);
  if (hostName !== null) return { name: hostName, path: url, prefix: null };
  if (url.charCodeAt(0) !== 47 /* / */) return null;
  let end = 1;
  while (end < url.length) {
    const code = url.charCodeAt(end);
    if (code === 47 /* / */ || code === 63 /* ? */) break;
    end++;
  }
  const name = url.slice(1, end);
  if (isReservedSegment(name)) return null;
  const rest = url.slice(end);
  const path = rest.length === 0 ? '/' : rest.charCodeAt(0) === 63 ? `/${rest}` : rest;
  return { name, path, prefix: `/${name}` };
}

/** The `Host` header from raw headers, without building `req.headers` (lazy and costly). */
export function rawHost(rawHeaders: string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key.length === 4 && key.toLowerCase() === 'host') return rawHeaders[i + 1];
  }
  return undefined;
}

/** True when a request carries more than one `Host` header: ambiguous, so refused (RFC 9112 §3.2). */
export function hasDuplicateHost(rawHeaders: string[]): boolean {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key.length === 4 && key.toLowerCase() === 'host' && ++seen > 1) return true;
  }
  return false;
}
