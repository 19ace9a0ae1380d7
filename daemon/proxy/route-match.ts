/** Where a request goes: a service (by path prefix or host) or Herve's own endpoints. */
export interface ServiceMatch {
  name: string;
  /** Path and query to send upstream. */
  path: string;
  /** `/<name>` when routed by path prefix (stripped), null when routed by host. */
  prefix: string | null;
  /** The first path segment named no route (a service may exist but be routed elsewhere, or not at all). */
  unrouted?: true;
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

/** HTTP/2's `Host`: a request carries it as this pseudo-header (raw headers keep the name as sent, lower case). */
const AUTHORITY = ':authority';

function isHostName(key: string): boolean {
  return key.length === 4 && key.toLowerCase() === 'host';
}

/** The `Host` header (HTTP/2: `:authority`, which comes first) from raw headers, without building `req.headers` (lazy and costly). */
export function rawHost(rawHeaders: string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!;
    if (isHostName(key) || key === AUTHORITY) return rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * True when a request names its host more than once: two `Host` headers, or an HTTP/2
 * `:authority` and a `Host` that differ. Ambiguous, so refused (RFC 9112 §3.2, RFC 9113 §8.3.1).
 */
export function hasDuplicateHost(rawHeaders: string[]): boolean {
  let seen = 0;
  let authority: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!;
    if (key === AUTHORITY) authority = rawHeaders[i + 1];
    else if (isHostName(key) && (++seen > 1 || (authority !== undefined && rawHeaders[i + 1] !== authority))) return true;
  }
  return false;
}

/** How one service is reached: `false` for none (a worker). */
export interface NamedRoute {
  name: string;
  route: false | { path: string; hosts: string[] };
}

/**
 * The routes of every service, from their `route` specs: explicit hosts first, then
 * `<name>.localhost`, then the longest matching path prefix. Rebuilt when a route changes.
 */
export class RouteIndex {
  private readonly byHost = new Map<string, string>();
  private readonly byPrefix: Array<{ prefix: string; name: string }> = [];
  private readonly routed = new Map<string, { path: string; hosts: string[] }>();
  /** Every registered name; a name outside it (a joined service, an unknown one) routes by default. */
  private readonly registered = new Set<string>();

  constructor(private readonly routes: readonly NamedRoute[]) {
    for (const { name, route } of routes) {
      this.registered.add(name);
      if (route === false) continue;
      this.routed.set(name, route);
      for (const host of route.hosts) this.byHost.set(host, name);
      this.byPrefix.push({ prefix: route.path, name });
    }
    this.byPrefix.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** What it was built from (a front-door worker builds its own from these). */
  namedRoutes(): readonly NamedRoute[] {
    return this.routes;
  }

  /** A service's route; undefined for a worker without one (or an unknown name). */
  routeOf(name: string): { path: string; hosts: string[] } | undefined {
    return this.routed.get(name);
  }

  /** Host names given in `route.hosts`, e.g. for an allow-list of the `Host` header. */
  hosts(): string[] {
    return [...this.byHost.keys()];
  }

  /** The same, as a lookup (no copy): what the front door's Host allow-list consults per request. */
  hostNames(): ReadonlyMap<string, string> {
    return this.byHost;
  }

  match(url: string, host: string | undefined): ServiceMatch | null {
    const byHost = this.matchHost(host);
    if (byHost !== null)
      return this.routedByDefault(byHost) ? { name: byHost, path: url, prefix: null } : { name: byHost, path: url, prefix: null, unrouted: true };
    for (const { prefix, name } of this.byPrefix) {
      if (!url.startsWith(prefix)) continue;
      const next = url.charCodeAt(prefix.length);
      if (url.length === prefix.length || next === 47 /* / */ || next === 63 /* ? */) {
        const rest = url.slice(prefix.length);
        return { name, path: rest.length === 0 ? '/' : next === 63 ? `/${rest}` : rest, prefix };
      }
    }
    const fallback = matchService(url, undefined);
    if (fallback === null) return null;
    return this.registered.has(fallback.name) ? { ...fallback, unrouted: true } : fallback;
  }

  private routedByDefault(name: string): boolean {
    return this.routed.has(name) || !this.registered.has(name);
  }

  private matchHost(host: string | undefined): string | null {
    if (host === undefined) return null;
    if (this.byHost.size > 0) {
      const colon = host.charCodeAt(0) === 91 /* [ */ ? -1 : host.indexOf(':');
      const explicit = this.byHost.get((colon === -1 ? host : host.slice(0, colon)).toLowerCase());
      if (explicit !== undefined) return explicit;
    }
    return serviceFromHost(host);
  }
}

/** Where a request goes, by the table's route index when it has one. */
export function routeRequest(routes: { routeIndex?(): RouteIndex }, url: string, host: string | undefined): ServiceMatch | null {
  const index = routes.routeIndex?.();
  return index === undefined ? matchService(url, host) : index.match(url, host);
}

/** Why a request named no service: none of that name, or one routed elsewhere (or a worker without a route). */
export function unroutedMessage(name: string, exists: boolean): string {
  return exists
    ? `${name} is not routed here (its route is elsewhere, or it serves no HTTP); GET / lists the routes`
    : `no service named ${name}; GET / lists the routes`;
}
