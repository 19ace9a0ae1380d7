import { z } from 'zod';

const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
const HOST_NAME = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/;
/** At least two colons: `::1`, `fe80::1`; never `name:port`. */
const BARE_IPV6 = /^[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*$/;

/**
 * A host the front door answers for besides its built-in ones (`herve up --allow-host`,
 * `HERVE_ALLOWED_HOSTS`): a name or an IP address without a port; `*.example.test` allows
 * every subdomain. Lower-cased, and a bare IPv6 address gets the brackets a `Host` header has.
 */
export const AllowedHost = z
  .string()
  .trim()
  .toLowerCase()
  .transform((host) => (BARE_IPV6.test(host) ? `[${host}]` : host))
  .superRefine((host, context) => {
    if (HOST_NAME.test(host) || BRACKETED_IPV6.test(host)) return;
    context.addIssue({
      code: 'custom',
      message: `"${host}" is not a host name or IP address (no scheme, port or path: e.g. dev.test, *.dev.test, 192.168.1.20)`,
    });
  });

/** `HERVE_ALLOWED_HOSTS`: hosts separated by commas; blanks are ignored. */
export function splitHostList(list: string): string[] {
  return list
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
}
