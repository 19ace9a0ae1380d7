import type { RemoteUpstream } from '../shared/contracts.js';

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
