import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalCa } from '../../../daemon/tls/local-ca.js';
import { hervePaths, type HervePaths } from '../../../protocol/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function freshPaths(): HervePaths {
  const home = mkdtempSync('/tmp/hv-');
  homes.push(home);
  return hervePaths({ HERVE_HOME: home });
}

const read = (path: string): string => readFileSync(path, 'utf8');

describe('the local certificate authority', () => {
  it('makes a CA and a certificate it signed for the loopback names, then reuses both', async () => {
    const paths = freshPaths();
    const first = await ensureLocalCa(paths, []);
    expect([first.createdCa, first.issuedLeaf]).toEqual([true, true]);
    const ca = new X509Certificate(first.ca);
    const leaf = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, DNS:*.localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect([leaf.checkHost('localhost'), leaf.checkIP('127.0.0.1'), leaf.checkIP('::1')]).toEqual(['localhost', '127.0.0.1', '::1']);

    const again = await ensureLocalCa(paths, []);
    expect([again.createdCa, again.issuedLeaf, again.ca, again.cert, again.key]).toEqual([false, false, first.ca, first.cert, first.key]);
  });

  it('issues the certificate again, under the same CA, when the names change or its end nears', async () => {
    const paths = freshPaths();
    const first = await ensureLocalCa(paths, []);
    const named = await ensureLocalCa(paths, ['dev.test', '*.dev.test', '[fe80::1]']);
    expect([named.createdCa, named.issuedLeaf, named.ca]).toEqual([false, true, first.ca]);
    expect(new X509Certificate(named.cert).subjectAltName).toContain('DNS:*.dev.test');
    expect(read(paths.tlsCert)).toBe(named.cert);

    const late = await ensureLocalCa(paths, ['dev.test', '*.dev.test', '[fe80::1]'], new Date(Date.now() + 380 * DAY_MS));
    expect([late.createdCa, late.issuedLeaf, late.ca]).toEqual([false, true, first.ca]);
    expect(new Date(new X509Certificate(late.cert).validTo).getTime()).toBeGreaterThan(Date.now() + 700 * DAY_MS);
  });

  it('replaces a CA whose key is gone or does not match, and a certificate it did not sign', async () => {
    const paths = freshPaths();
    const first = await ensureLocalCa(paths, []);
    rmSync(paths.caKey);
    const remade = await ensureLocalCa(paths, []);
    expect([remade.createdCa, remade.issuedLeaf]).toEqual([true, true]);
    expect(remade.ca).not.toBe(first.ca);
    expect(new X509Certificate(remade.cert).verify(new X509Certificate(remade.ca).publicKey)).toBe(true);

    writeFileSync(paths.tlsCert, first.cert);
    const resigned = await ensureLocalCa(paths, []);
    expect([resigned.createdCa, resigned.issuedLeaf, resigned.ca]).toEqual([false, true, remade.ca]);
  });

  it('signs a certificate on demand for a host the served one names only by a wildcard, none for one it names', async () => {
    const paths = freshPaths();
    const ca = await ensureLocalCa(paths, ['api.test']);
    expect(ca.certificateFor('localhost')).toBeNull();
    expect(ca.certificateFor('api.test')).toBeNull();
    const named = await ca.certificateFor('echo.localhost');
    const leaf = new X509Certificate(named!.cert);
    expect(leaf.subjectAltName).toBe('DNS:echo.localhost');
    expect(leaf.verify(new X509Certificate(ca.ca).publicKey)).toBe(true);
  });
});
