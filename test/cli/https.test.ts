import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hervePaths } from '../../protocol/index.js';
import { https1Request } from '../helpers/tls-clients.js';
import { ensureBuilt, herve, makeHome, stopAndProve } from './harness.js';

interface CaReport {
  certificate: string;
  fingerprintSha256: string;
  serverCertificate: { path: string; names: string[] } | null;
  trust: { store: string; command: string }[];
}

const httpsPortIn = (stdout: string): number => Number(/https:\/\/localhost:(\d+)\//.exec(stdout)?.[1]);

describe('herve up --https and herve ca', () => {
  let home = '';
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    if (home) await stopAndProve(home);
    home = '';
  });

  it('herve ca says how to make a CA when there is none', async () => {
    const empty = makeHome();
    try {
      const ca = await herve(empty, ['ca']);
      expect(ca.exitCode).toBe(1);
      expect(ca.stderr).toContain('no local certificate authority yet');
      expect(ca.stderr).toContain('herve up --https');
    } finally {
      await stopAndProve(empty);
    }
  });

  it('herve up --https-port shows the https URL, which answers with the CA that herve ca points at', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0', '--https-port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    const port = httpsPortIn(up.stdout);
    expect(port, up.stdout).toBeGreaterThan(0);
    const paths = hervePaths({ HERVE_HOME: home });
    const ca = readFileSync(paths.caCert, 'utf8');
    expect((await https1Request(port, ca, '/health')).status).toBe(200);

    const text = await herve(home, ['ca']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(paths.caCert);
    for (const tool of ['update-ca-certificates', 'update-ca-trust', 'security add-trusted-cert', 'certutil', 'NODE_EXTRA_CA_CERTS'])
      expect(text.stdout).toContain(tool);
    expect(text.stdout).not.toContain('BEGIN');

    const json = await herve(home, ['ca', '--json']);
    const report = JSON.parse(json.stdout) as CaReport;
    expect(report.certificate).toBe(paths.caCert);
    expect(report.fingerprintSha256).toBe(new X509Certificate(ca).fingerprint256);
    expect(report.serverCertificate?.names).toEqual(['DNS:localhost', 'DNS:*.localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']);
    expect(report.trust.every((step) => step.command.includes(paths.caCert))).toBe(true);
  });

  it('turns HTTPS on from the https: key of herve.yaml', async () => {
    home = makeHome();
    const file = join(home, 'herve.yaml');
    writeFileSync(file, 'https: { port: 0 }\nservices:\n  echo: { type: echo }\n');
    const up = await herve(home, ['up', '--port', '0', '-f', file]);
    expect(up.exitCode, up.stderr).toBe(0);
    const port = httpsPortIn(up.stdout);
    const ca = readFileSync(hervePaths({ HERVE_HOME: home }).caCert, 'utf8');
    const reply = await https1Request(port, ca, '/echo/from-yaml');
    expect(reply.status, reply.body).toBe(200);
  });

  it('refuses a wrong https: value with the line, and a bad --https-port', async () => {
    const bad = makeHome();
    try {
      const file = join(bad, 'herve.yaml');
      writeFileSync(file, 'services: {}\nhttps: yes please\n');
      const up = await herve(bad, ['up', '--port', '0', '-f', file]);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toMatch(/herve\.yaml:2 https: expected true, false or \{ port: N \}/);
      const port = await herve(bad, ['up', '--https-port', '99999']);
      expect(port.exitCode).toBe(2);
    } finally {
      await stopAndProve(bad);
    }
  });
});
