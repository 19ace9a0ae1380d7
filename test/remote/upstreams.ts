import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface Upstream {
  url: string;
  port: number;
  /** Every request it received: path and Host header. */
  seen: Array<{ path: string; host: string }>;
  close(): Promise<void>;
}

/** Answers `{path, host}` as JSON on every path (so `/…/health` too), and records what it saw. */
function handler(seen: Upstream['seen']) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const entry = { path: req.url ?? '', host: req.headers.host ?? '' };
    if (!entry.path.endsWith('/health')) seen.push(entry);
    const body = JSON.stringify(entry);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

async function listen(server: Server, scheme: string, seen: Upstream['seen']): Promise<Upstream> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function httpUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  return listen(createHttpServer(handler(seen)), 'http', seen);
}

/** A self-signed certificate for 127.0.0.1, made by the openssl command line for this test. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync('/tmp/hv-tls-');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function httpsUpstream(): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  return listen(createHttpsServer(selfSignedCertificate(), handler(seen)), 'https', seen);
}
