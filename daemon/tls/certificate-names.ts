import { isIP } from 'node:net';

/** One subject alternative name, as @peculiar/x509 writes and reads it. */
export interface CertificateName {
  type: 'dns' | 'ip';
  value: string;
}

/** What the front door's certificate always names: the loopback names and addresses the Host allow-list starts with. */
const BUILT_IN: readonly CertificateName[] = [
  { type: 'dns', value: 'localhost' },
  { type: 'dns', value: '*.localhost' },
  { type: 'ip', value: '127.0.0.1' },
  { type: 'ip', value: '::1' },
];

/**
 * The certificate's names: the built-in ones and every allowed host (`--allow-host`, validated by
 * AllowedHost: lower case, `*.` for subdomains, IPv6 in brackets), so each answers over HTTPS too.
 */
export function certificateNames(allowedHosts: readonly string[]): CertificateName[] {
  const names = [...BUILT_IN];
  for (const host of allowedHosts) {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    const name: CertificateName = { type: isIP(bare) === 0 ? 'dns' : 'ip', value: bare };
    if (!names.some((known) => known.type === name.type && known.value === name.value)) names.push(name);
  }
  return names;
}

/** Whether a certificate's names are exactly these, in any order. */
export function sameNames(found: readonly { type: string; value: string }[], wanted: readonly CertificateName[]): boolean {
  const key = (name: { type: string; value: string }): string => `${name.type}:${name.value}`;
  const have = new Set(found.map(key));
  return have.size === wanted.length && wanted.every((name) => have.has(key(name)));
}
