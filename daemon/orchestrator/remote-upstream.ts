import type { RemoteUpstream } from '../contracts.js';

/** A problem with an upstream URL, said so a person can fix it; null when it is usable. */
export function upstreamUrlProblem(value: string | undefined, what: string): string | null {
  if (value === undefined || value === '') return `${what} is required, e.g. https://api.internal:8443`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} "${value}" is not a URL; give it as http://host:port or https://host:port`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${what} must be http:// or https:// (got ${url.protocol}//)`;
  if (url.username || url.password) return `${what} must not carry credentials`;
  if (url.search || url.hash) return `${what} must not have a query or a fragment`;
  return null;
}

/** The default port of the URL's scheme when it names none. */
export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * How to reach `target`. `host`: `upstream` (default: the target's host, what virtual hosts and
 * TLS upstreams expect), `keep` (the client's Host), or a literal Host value.
 */
export function remoteUpstream(target: string, options: { insecure?: boolean; host?: string } = {}): RemoteUpstream {
  const url = new URL(target);
  const hostMode = options.host ?? 'upstream';
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    insecure: options.insecure ?? false,
    host: hostMode === 'keep' ? null : hostMode === 'upstream' ? url.host : hostMode,
  };
}
