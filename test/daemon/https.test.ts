import { X509Certificate } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect as connectHttp2, constants } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RegisterInput } from '../../protocol/index.js';
import { assertProcessGone, registerReady, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { handshake, http2Request, https1Request } from '../helpers/tls-clients.js';

interface Echoed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const HTTPS_ARGS = ['--port', '0', '--https-port', '0'];

/** Resolves when `emitter` closes; fails (so the test's cleanup runs) if it has not within a generous deadline. */
function closedWithin(emitter: EventEmitter, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} was not closed within 15 s`)), 15_000);
    emitter.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('the HTTPS front door of a real daemon (herve up --https)', () => {
  let daemon: TestDaemon;
  let port: number;
  let ca: string;
  const seenPids = new Set<number>();

  const register = (spec: RegisterInput) => registerReady(daemon, spec, seenPids);

  beforeAll(async () => {
    daemon = await startDaemon({ args: HTTPS_ARGS });
    expect(daemon.httpsPort, daemon.output()).toBeGreaterThan(0);
    port = daemon.httpsPort!;
    ca = readFileSync(daemon.paths.caCert, 'utf8');
    await register({ type: 'echo' });
  });

  afterAll(async () => {
    await daemon?.stop();
    daemon.removeHome();
    for (const pid of [daemon.pid, ...seenPids]) await assertProcessGone(pid);
  });

  it('completes a handshake that verifies against the generated CA, for each name it covers', async () => {
    for (const servername of ['localhost', 'echo.localhost']) {
      const socket = await handshake(port, { ca, servername });
      try {
        expect(socket.authorized, servername).toBe(true);
        expect(new X509Certificate(socket.getPeerCertificate().raw).checkIssued(new X509Certificate(ca))).toBe(true);
      } finally {
        socket.destroy();
      }
    }
  });

  it('is refused with a certificate error by a client that does not trust the CA', async () => {
    const refusal = await handshake(port, {}).then(
      (socket) => {
        socket.destroy();
        return null;
      },
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(refusal).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED/);
  });

  it('negotiates h2 with a client that offers it, http/1.1 with one that offers only that', async () => {
    const both = await handshake(port, { ca, alpn: ['h2', 'http/1.1'] });
    const onlyOld = await handshake(port, { ca, alpn: ['http/1.1'] });
    expect([both.alpnProtocol, onlyOld.alpnProtocol]).toEqual(['h2', 'http/1.1']);
    both.destroy();
    onlyOld.destroy();
  });

  it('proxies HTTP/2 to the service as HTTP/1.1: Host from :authority, no pseudo-headers, cookies joined, body without a length', async () => {
    const reply = await http2Request(port, ca, { ':method': 'POST', ':path': '/echo/hello?x=1', cookie: ['a=1', 'b=2'] }, 'streamed body');
    expect(reply.alpn).toBe('h2');
    expect(reply.status).toBe(200);
    const echoed = JSON.parse(reply.body) as Echoed;
    expect(echoed).toMatchObject({ method: 'POST', path: '/hello', body: 'streamed body' });
    expect(echoed.headers).toMatchObject({
      host: `localhost:${port}`,
      cookie: 'a=1; b=2',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': `localhost:${port}`,
      'x-forwarded-prefix': '/echo',
    });
    expect(Object.keys(echoed.headers).filter((name) => name.startsWith(':'))).toEqual([]);
    expect(reply.headers['x-request-id']).toBe(echoed.headers['x-request-id']);
  });

  it('proxies HTTP/1.1 over TLS, by path and by <name>.localhost', async () => {
    const byPath = await https1Request(port, ca, '/echo/one');
    expect([byPath.alpn, byPath.status]).toEqual(['http/1.1', 200]);
    expect((JSON.parse(byPath.body) as Echoed).headers['x-forwarded-proto']).toBe('https');
    const byHost = await https1Request(port, ca, '/two', `echo.localhost:${port}`, 'echo.localhost');
    expect(byHost.status).toBe(200);
    expect((JSON.parse(byHost.body) as Echoed).path).toBe('/two');
  });

  it("applies the Host allow-list: another host gets 421 over HTTP/2 and HTTP/1.1, on services and Herve's own paths", async () => {
    for (const path of ['/echo/x', '/health', '/metrics']) {
      const h2 = await http2Request(port, ca, { ':path': path, ':authority': 'evil.example.com' });
      const h1 = await https1Request(port, ca, path, 'evil.example.com');
      expect([h2.status, h1.status], path).toEqual([421, 421]);
      expect(JSON.parse(h2.body)).toMatchObject({ error: 'misdirected_request' });
    }
    const ambiguous = await http2Request(port, ca, {
      ':path': '/health',
      ':authority': `localhost:${port}`,
      host: 'evil.example.com',
    });
    expect(ambiguous.status).toBe(400);
    // Nothing the HTTP/2 side cannot send (a Connection header) and no error escaped a handler.
    expect(daemon.output()).not.toMatch(/Warning|uncaught|unhandled/);
  });

  it("serves Herve's own endpoints and guards the admin API the same way", async () => {
    const health = await http2Request(port, ca, { ':path': '/health' });
    expect([health.status, JSON.parse(health.body).status]).toEqual([200, 'ok']);
    const metrics = await http2Request(port, ca, { ':path': '/metrics' });
    expect(metrics.body).toContain('herve_http_requests_total');
    const foreign = await http2Request(port, ca, { ':method': 'POST', ':path': '/services/register', origin: 'https://evil.example.com' }, '{}');
    expect(JSON.parse(foreign.body)).toMatchObject({ error: 'cross_origin' });
    const own = await http2Request(
      port,
      ca,
      {
        ':method': 'POST',
        ':path': '/services/register',
        origin: `https://localhost:${port}`,
        'content-type': 'application/json',
      },
      '{}',
    );
    // Its own origin passes the browser guard and reaches the API, which is off without credentials.
    expect(JSON.parse(own.body)).toMatchObject({ error: 'admin_disabled' });
  });

  it('carries websockets over HTTP/1.1 TLS (wss://)', async () => {
    await register(fixtureService('ws', 'ws-echo.mjs'));
    const socket = new WebSocket(`wss://localhost:${port}/ws/chat`, { ca });
    try {
      await new Promise<void>((open, fail) => socket.once('open', () => open()).once('error', fail));
      const reply = new Promise<string>((answer) => socket.once('message', (data: Buffer) => answer(data.toString())));
      socket.send('hi');
      expect(await reply).toBe('ws/0 /chat hi');
    } finally {
      socket.close();
    }
  });

  it('keeps the CA key and every file of HERVE_HOME/ca private (0600, directory 0700)', () => {
    const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
    expect(mode(daemon.paths.caKey)).toBe('600');
    expect(mode(daemon.paths.caDir)).toBe('700');
    const files = readdirSync(daemon.paths.caDir);
    expect(files.sort()).toEqual(['ca.crt', 'ca.key', 'localhost.crt', 'localhost.key']);
    for (const file of files) expect(mode(join(daemon.paths.caDir, file)), file).toBe('600');
  });
});

describe('a second start with HTTPS', () => {
  it('reuses the CA and the certificate, and holds the HTTPS port to the connection limits and timeouts', async () => {
    const first = await startDaemon({ args: HTTPS_ARGS });
    const files = [first.paths.caCert, first.paths.caKey, first.paths.tlsCert];
    const before = files.map((file) => readFileSync(file, 'utf8'));
    await first.stop();
    await assertProcessGone(first.pid);
    const env = {
      HERVE_MAX_CONNECTIONS_PER_CLIENT: '2',
      HERVE_HEADER_TIMEOUT_MS: '400',
      HERVE_KEEPALIVE_TIMEOUT_MS: '300',
      HERVE_REQUEST_TIMEOUT_MS: '1000',
    };
    const second = await startDaemon({ home: first.home, args: HTTPS_ARGS, env });
    const servicePids: number[] = [];
    try {
      expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(before);
      const ca = before[0]!;
      const port = second.httpsPort!;
      const held = [await handshake(port, { ca }), await handshake(port, { ca })];
      const third = await handshake(port, { ca }).then(
        (socket) => new Promise<string>((resolve) => socket.once('close', () => resolve('closed')).once('data', () => resolve('answered'))),
        () => 'refused',
      );
      expect(third).toBe('refused');
      for (const socket of held) socket.destroy();
      await waitFor(async () => (await https1Request(port, ca, '/health').catch(() => null))?.status === 200, {
        timeoutMs: 10_000,
        message: 'served again once the connections closed',
      });

      const halfOpen = await handshake(port, { ca, alpn: ['http/1.1'] });
      let answer = '';
      halfOpen.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      halfOpen.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
      await closedWithin(halfOpen, 'a half-open HTTP/1.1 connection');
      expect(answer).toMatch(/^HTTP\/1\.1 408/);

      // An HTTP/2 connection that never opens a stream: closed after the header timeout (read, so its end is seen).
      const idle = await handshake(port, { ca, alpn: ['h2'] });
      idle.resume();
      await closedWithin(idle, 'an HTTP/2 connection without a stream');
      expect(idle.alpnProtocol).toBe('h2');

      // A request body that never ends is reset after the request timeout; the idle connection then closes.
      const echo = await second.client.call('register', { type: 'echo' });
      const ready = await waitFor(
        async () => {
          const current = await second.client.call('get', { service: echo.name });
          return current.instances.every((instance) => instance.ready) ? current : null;
        },
        { timeoutMs: 20_000, message: 'echo ready' },
      );
      for (const instance of ready.instances) if (instance.pid) servicePids.push(instance.pid);
      const session = connectHttp2(`https://localhost:${port}`, { ca });
      const sessionClosed = closedWithin(session, 'an HTTP/2 connection idle after its stream');
      const stream = session.request({ ':method': 'POST', ':path': '/echo/slow' }, { endStream: false });
      stream.write('part of a body');
      stream.resume();
      await closedWithin(stream, 'a stream whose body never ends');
      expect(stream.rstCode).toBe(constants.NGHTTP2_CANCEL);
      await sessionClosed;
    } finally {
      await second.stop();
      second.removeHome();
    }
    for (const pid of [second.pid, ...servicePids]) await assertProcessGone(pid);
  });
});
