import { hostname as machineHostname } from 'node:os';

/** Always allowed: loopback names and addresses; browsers resolve `*.localhost` to loopback themselves. */
export const BUILT_IN_HOSTS = ['localhost', '127.0.0.1', '[::1]', '*.localhost'] as const;

const LOOPBACK_LISTEN = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD_LISTEN = new Set(['0.0.0.0', '::']);
const SHOWN_HOST_LIMIT = 200;

export interface HostAllowListOptions {
  /** From the settings (`--allow-host`, `HERVE_ALLOWED_HOSTS`), validated by AllowedHost: lower case, no port, `*.` for subdomains. */
  hosts?: readonly string[];
  /** Hosts named in services' routes, consulted live when no fixed host matches. Lower case, no port. */
  routeHosts?: () => ReadonlySet<string>;
}

/**
 * The hosts the front door answers for. Against DNS rebinding: a hostile page on a domain that
 * resolves to 127.0.0.1 reaches the front door with its own name in `Host`, and gets a 421.
 */
export class HostAllowList {
  private readonly fixed: readonly string[];
  private readonly exact = new Set<string>();
  /** `.localhost` for `*.localhost`. */
  private readonly suffixes: string[] = [];
  private readonly routeHosts: (() => ReadonlySet<string>) | undefined;

  constructor(options: HostAllowListOptions = {}) {
    this.fixed = [...new Set([...BUILT_IN_HOSTS, ...(options.hosts ?? [])])];
    for (const host of this.fixed) {
      if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
      else this.exact.add(host);
    }
    this.routeHosts = options.routeHosts;
  }

  /**
   * Whether a `Host` header (`name[:port]` or `[v6][:port]`) names an allowed host. A request
   * without one (HTTP/1.0) passes: browsers always send it. Cheap: it runs on every proxied request.
   */
  allows(host: string | undefined): boolean {
    if (host === undefined) return true;
    const name = hostnameOf(host);
    if (name === null) return false;
    if (this.exact.has(name)) return true;
    for (const suffix of this.suffixes) {
      if (name.length > suffix.length && name.endsWith(suffix)) return true;
    }
    return this.routeHosts?.().has(name) ?? false;
  }

  /** Every host allowed now, for the 421. */
  list(): string[] {
    return this.routeHosts === undefined ? [...this.fixed] : [...this.fixed, ...[...this.routeHosts()].sort()];
  }
}

/** The lower-cased host name of a `Host` header, without its port; null when it is malformed. */
export function hostnameOf(host: string): string | null {
  let end: number;
  if (host.charCodeAt(0) === 91 /* [ */) {
    end = host.indexOf(']') + 1;
    if (end === 0 || (end < host.length && host.charCodeAt(end) !== 58) /* : */) return null;
  } else {
    end = host.indexOf(':');
    if (end === -1) end = host.length;
    else if (host.indexOf(':', end + 1) !== -1) return null;
  }
  return end === 0 ? null : host.slice(0, end).toLowerCase();
}

/** When the front door listens beyond loopback, the machine's own name and the address it listens on. */
export function listenHostNames(listenHost: string | undefined): string[] {
  if (listenHost === undefined || LOOPBACK_LISTEN.has(listenHost)) return [];
  const names = [machineHostname().toLowerCase()];
  if (!WILDCARD_LISTEN.has(listenHost)) names.push(listenHost.includes(':') ? `[${listenHost}]` : listenHost.toLowerCase());
  return names;
}

/** The 421 body: which host was refused, which are allowed, and how to allow another. */
export function misdirectedBody(host: string | undefined, allowed: readonly string[]): Record<string, unknown> {
  const shown = (host ?? '').slice(0, SHOWN_HOST_LIMIT);
  return {
    error: 'misdirected_request',
    message: `Herve does not answer for the host "${shown}" (a web page on another domain may be trying to reach your local services)`,
    hint: `allowed: ${allowed.join(', ')}; to allow another: herve up --allow-host NAME, or HERVE_ALLOWED_HOSTS=NAME,… in the daemon's environment`,
    allowedHosts: allowed,
  };
}
