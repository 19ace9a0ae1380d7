import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as x509 from '@peculiar/x509';
import type { HervePaths } from '../../protocol/index.js';
import { certificateNames, sameNames, type CertificateName } from './certificate-names.js';
import { writePrivateFile } from '../startup/home-permissions.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 3650;
/** Under the 398 days browsers accept for a server certificate. */
const LEAF_LIFETIME_DAYS = 397;
const RENEW_WITHIN_DAYS = 30;
/** Clocks that are a little behind still accept a certificate made just now. */
const BACKDATE_MS = 60 * 60 * 1000;

/** What the HTTPS front door serves, in PEM. */
export interface ServingCertificate {
  key: string;
  cert: string;
  /** The CA's certificate, sent after the leaf so a client that trusts the CA can build the chain. */
  ca: string;
}

/** The front door's certificate, what `ensureLocalCa` did (for the daemon's log), and more certificates on demand. */
export interface LocalCaOutcome extends ServingCertificate {
  createdCa: boolean;
  issuedLeaf: boolean;
  names: CertificateName[];
  /**
   * A certificate for one host name that the served one covers only by a wildcard (`api.localhost`),
   * or not at all (a route's host): TLS clients such as OpenSSL and Node refuse `*.localhost`, a
   * wildcard directly under a top-level name. Kept in memory only; null when the served one names it.
   */
  certificateFor(host: string): Promise<Omit<ServingCertificate, 'ca'>> | null;
}

interface Authority {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/**
 * The local certificate authority in HERVE_HOME/ca: made once (its key 0600, never sent anywhere),
 * then reused, so a browser or system store told to trust it keeps trusting the front door. The
 * front door's certificate (localhost, *.localhost, 127.0.0.1, ::1 and the allowed hosts) is
 * issued again when it nears its end, when the names change, or when the CA is new.
 */
export async function ensureLocalCa(paths: HervePaths, allowedHosts: readonly string[], now = new Date()): Promise<LocalCaOutcome> {
  mkdirSync(paths.caDir, { recursive: true, mode: 0o700 });
  const names = certificateNames(allowedHosts);
  const existing = await readAuthority(paths, now);
  const authority = existing ?? (await createAuthority(paths, now));
  const stored = existing === null ? null : await readLeaf(paths, authority, names, now);
  const leaf = stored ?? (await signLeaf(authority, names, now));
  if (stored === null) {
    writePrivateFile(paths.tlsKey, leaf.key);
    writePrivateFile(paths.tlsCert, leaf.cert);
  }
  const exact = new Set(names.filter((name) => !name.value.startsWith('*.')).map((name) => name.value));
  const certificateFor = (host: string) => (exact.has(host) ? null : signLeaf(authority, [{ type: 'dns', value: host }], new Date()));
  return {
    ...leaf,
    ca: authority.cert.toString('pem'),
    createdCa: existing === null,
    issuedLeaf: stored === null,
    names,
    certificateFor,
  };
}

async function readAuthority(paths: HervePaths, now: Date): Promise<Authority | null> {
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) return null;
  try {
    const cert = new x509.X509Certificate(readFileSync(paths.caCert, 'utf8'));
    if (cert.notAfter.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) return null;
    const key = await importKey(readFileSync(paths.caKey, 'utf8'));
    return (await matchesKey(cert, key)) ? { cert, key } : null;
  } catch {
    return null;
  }
}

async function createAuthority(paths: HervePaths, now: Date): Promise<Authority> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [`Herve local CA (${userInfo().username}@${hostname()})`] }, { O: ['Herve (development only)'] }],
    keys,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // The key first: a certificate on disk without its key would be an authority that cannot sign.
  writePrivateFile(paths.caKey, await exportKey(keys.privateKey));
  writePrivateFile(paths.caCert, cert.toString('pem'));
  return { cert, key: keys.privateKey };
}

async function readLeaf(paths: HervePaths, authority: Authority, names: readonly CertificateName[], now: Date): Promise<Omit<ServingCertificate, 'ca'> | null> {
  if (!existsSync(paths.tlsCert) || !existsSync(paths.tlsKey)) return null;
  try {
    const certPem = readFileSync(paths.tlsCert, 'utf8');
    const keyPem = readFileSync(paths.tlsKey, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    const fresh = cert.notAfter.getTime() - now.getTime() >= RENEW_WITHIN_DAYS * DAY_MS;
    const signed = await cert.verify({ publicKey: authority.cert.publicKey, signatureOnly: true });
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    const covered = san !== null && sameNames(san.names.toJSON(), names);
    const ownKey = await matchesKey(cert, await importKey(keyPem));
    return fresh && signed && covered && ownKey ? { key: keyPem, cert: certPem } : null;
  } catch {
    return null;
  }
}

async function signLeaf(authority: Authority, names: readonly CertificateName[], now: Date): Promise<Omit<ServingCertificate, 'ca'>> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: ['localhost'] }, { O: ['Herve (development only)'] }],
    issuer: authority.cert.subject,
    publicKey: keys.publicKey,
    signingKey: authority.key,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + LEAF_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.cert.publicKey),
    ],
  });
  return { key: await exportKey(keys.privateKey), cert: cert.toString('pem') };
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Whether the private key belongs to the certificate: a signature made with it verifies with the certificate's public key. */
async function matchesKey(cert: x509.X509Certificate, key: CryptoKey): Promise<boolean> {
  const probe = new TextEncoder().encode('herve key check');
  const signature = await webcrypto.subtle.sign(SIGNING_ALGORITHM, key, probe);
  const publicKey = await cert.publicKey.export(KEY_ALGORITHM, ['verify']);
  return webcrypto.subtle.verify(SIGNING_ALGORITHM, publicKey, signature, probe);
}
