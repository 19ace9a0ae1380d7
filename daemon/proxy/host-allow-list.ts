import { hostname as machineHostname } from 'node:os';
import type { ErrorCode } from '../../protocol/index.js';

/** Always allowed: loopback names and addresses; browsers resolve `*.localhost` to loopback themselves. */
export const BUILT_IN_HOSTS = ['localhost', '127.0.0.1', '[::1]', '*.localhost'] as const;

const LOOPBACK_LISTEN = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD_LISTEN = new Set(['0.0.0.0', '::']);
const SHOWN_HOST_LIMIT = 200;

/** Host names, lower case, without port: a Set, or a Map keyed by host (e.g. host → service). */
export interface HostNames {
  has(host: string): boolean;
  keys(): Iterable<string>;
}

export interface HostAllowListOptions {
  /** From the settings (`--allow-host`, `HERVE_ALLOWED_HOSTS`), validated by AllowedHost: lower case, no port, `*.` for subdomains. */
  hosts?: readonly string[];
  /** Hosts named in services' routes, consulted live (so they may change) when no fixed host matches. */
  routeHosts?: () => HostNames;
}

/**
 * The hosts the front door answers for. Against DNS rebinding: a hostile page on a domain that
 * resolves to 127.0.0.1 reaches the front door with its own name in `Host`, and gets a 421.
 */
export class HostAllowList {
  private readonly fixed: readonly string[];
  private readonly exact: string[] = [];
  /** `.localhost` for `*.localhost`. */
  private readonly suffixes: string[] = [];
  private readonly routeHosts: (() => HostNames) | undefined;

  constructor(options: HostAllowListOptions = {}) {
    this.fixed = [...new Set([...BUILT_IN_HOSTS, ...(options.hosts ?? [])])];
    for (const host of this.fixed) {
      if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
      else this.exact.push(host);
    }
    this.routeHosts = options.routeHosts;
  }

  /**
   * Whether a `Host` header (`name[:port]` or `[v6][:port]`) names an allowed host. A request
   * without one (HTTP/1.0) passes: browsers always send it. It runs on every proxied request, so
   * a lower-case fixed host is matched in place, without building a string.
   */
  allows(host: string | undefined): boolean {
    if (host === undefined) return true;
    const end = hostnameEnd(host);
    if (end <= 0) return false;
    if (this.matchesFixed(host, end)) return true;
    const name = host.slice(0, end).toLowerCase();
    if (this.matchesFixed(name, end)) return true;
    return this.routeHosts?.().has(name) ?? false;
  }

  /** Every host allowed now, for the 421. */
  list(): string[] {
    return this.routeHosts === undefined ? [...this.fixed] : [...this.fixed, ...[...this.routeHosts().keys()].sort()];
  }

  /** Whether `host` up to `end` is a fixed host (case-sensitive: lower-case entries). */
  private matchesFixed(host: string, end: number): boolean {
    for (const exact of this.exact) {
      if (end === exact.length && host.startsWith(exact)) return true;
    }
    for (const suffix of this.suffixes) {
      if (end > suffix.length && host.endsWith(suffix, end)) return true;
    }
    return false;
  }
}

/** Where the host name of a `Host` header ends (before `:port`); -1 when it is malformed. */
function hostnameEnd(host: string): number {
  if (host.charCodeAt(0) === 91 /* [ */) {
    const end = host.indexOf(']') + 1;
    return end === 0 || (end < host.length && host.charCodeAt(end) !== 58) /* : */ ? -1 : end;
  }
  const colon = host.indexOf(':');
  if (colon === -1) return host.length;
  return host.indexOf(':', colon + 1) === -1 ? colon : -1;
}

/** The lower-cased host name of a `Host` header, without its port; null when it is malformed. */
export function hostnameOf(host: string): string | null {
  const end = hostnameEnd(host);
  return end <= 0 ? null : host.slice(0, end).toLowerCase();
}

/** When the front door listens beyond loopback, the machine's own name and the address it listens on. */
export function listenHostNames(listenHost: string | undefined): string[] {
  if (listenHost === undefined || LOOPBACK_LISTEN.has(listenHost)) return [];
  const names = [machineHostname().toLowerCase()];
  if (!WILDCARD_LISTEN.has(listenHost)) names.push(listenHost.includes(':') ? `[${listenHost}]` : listenHost.toLowerCase());
  return names;
}

/** The 421 body: which host was refused, which are allowed, and how to allow another. */
export function misdirectedBody(
  host: string | undefined,
  allowed: readonly string[],
): { error: ErrorCode; message: string; hint: string; allowedHosts: readonly string[] } {
  const shown = (host ?? '').slice(0, SHOWN_HOST_LIMIT);
  return {
    error: 'misdirected_request',
    message: `Herve does not answer for the host "${shown}" (a web page on another domain may be trying to reach your local services)`,
    hint: `allowed: ${allowed.join(', ')}; to allow another: herve up --allow-host NAME, or HERVE_ALLOWED_HOSTS=NAME,… in the daemon's environment`,
    allowedHosts: allowed,
  };
}
