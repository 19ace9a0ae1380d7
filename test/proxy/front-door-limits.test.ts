import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();
const sockets: Socket[] = [];

cleanUpAfterEach(seenPids);
afterAll(() =>
  sockets.forEach((socket) => {
    socket.destroy();
  }),
);

interface OpenedSocket {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
}

/** A TCP connection that sends `bytes` and then nothing more. */
function openHalfRequest(host: string, port: number, bytes: string): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    let received = '';
    let closed = false;
    const socket = connect({ host, port }, () => {
      socket.write(bytes);
      resolve({ socket, received: () => received, closed: () => closed });
    });
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => (closed = true));
    socket.once('error', (error) => (closed ? undefined : reject(error)));
  });
}

/** One raw HTTP exchange: what the server sent back before closing. */
async function rawExchange(port: number, request: string): Promise<string> {
  const opened = await openHalfRequest('127.0.0.1', port, request);
  await waitFor(() => opened.closed() || opened.received().includes('\r\n\r\n'), { timeoutMs: 10_000 });
  await waitFor(() => opened.closed() || opened.received().length > 0);
  opened.socket.destroy();
  return opened.received();
}

describe('the front door under idle and half-open connections', () => {
  it('cuts half-open connections after the header timeout, caps connections per client and in all, and keeps the control socket answering', async () => {
    daemon = await startDaemon({
      env: { HERVE_HEADER_TIMEOUT_MS: '5000', HERVE_MAX_CONNECTIONS: '300', HERVE_MAX_CONNECTIONS_PER_CLIENT: '200' },
    });
    const info = await daemon.client.call('register', fixtureService('api', 'http-ok.mjs'));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const port = daemon.proxyPort!;
    expect((await fetch(`http://127.0.0.1:${port}/api/`)).status).toBe(200);

    const fromV4 = await Promise.all(Array.from({ length: 250 }, () => openHalfRequest('127.0.0.1', port, 'GET /api/ HT')));
    const fromV6 = await Promise.all(Array.from({ length: 150 }, () => openHalfRequest('::1', port, 'GET /api/ HT')));
    const refused = (group: OpenedSocket[]) => group.filter((each) => each.received().startsWith('HTTP/1.1 503')).length;
    // 200 per client from 127.0.0.1 (the fetch above kept one alive); then ::1 fills the 300 in all.
    await waitFor(() => refused(fromV4) >= 50 && refused(fromV4) + refused(fromV6) >= 100, { message: `refused ${refused(fromV4)} + ${refused(fromV6)}` });
    expect(fromV4.find((each) => each.received().startsWith('HTTP/1.1 503'))?.received()).toContain('too_many_connections');

    // However full the front door, the control socket answers.
    expect((await daemon.client.call('list')).services.map((service) => service.name)).toEqual(['api']);
    const fresh = await daemon.connect();
    expect((await fresh.call('ping')).pong).toBe(true);

    // Half-open connections are closed after the header timeout, and a new client is served.
    await waitFor(() => [...fromV4, ...fromV6].every((each) => each.closed()), { timeoutMs: 15_000, message: 'half-open connections still open' });
    expect((await fetch(`http://127.0.0.1:${port}/api/`)).status).toBe(200);
  });

  it('closes an idle kept-alive connection after HERVE_KEEPALIVE_TIMEOUT_MS', async () => {
    daemon = await startDaemon({ env: { HERVE_KEEPALIVE_TIMEOUT_MS: '500' } });
    const opened = await openHalfRequest('127.0.0.1', daemon.proxyPort!, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await waitFor(() => opened.received().startsWith('HTTP/1.1 200'));
    await waitFor(() => opened.closed(), { timeoutMs: 10_000, message: 'idle keep-alive connection still open' });
  });

  it('answers 400 to a request with two Host headers instead of blaming the upstream', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('api', 'http-ok.mjs'));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const reply = await rawExchange(daemon.proxyPort!, 'GET /api/ HTTP/1.1\r\nHost: localhost\r\nHost: api.localhost\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('more than one Host header');
  });

  it('refuses a bad limit setting at start, naming the variable', async () => {
    await expect(startDaemon({ env: { HERVE_MAX_CONNECTIONS: '0x10' }, timeoutMs: 10_000 })).rejects.toThrow('HERVE_MAX_CONNECTIONS must be a whole number');
  });
});

describe('redirects behind the front door', () => {
  const base = mkdtempSync('/tmp/hv-site-');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("keeps the route prefix in the static service's directory redirect", async () => {
    mkdirSync(join(base, 'sub'));
    daemon = await startDaemon();
    const info = await daemon.client.call('register', { type: 'static', name: 'site', options: { root: base } });
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    await waitFor(async () => (await daemon!.client.call('get', { service: 'site' })).status === 'running');
    const reply = await fetch(`http://127.0.0.1:${daemon.proxyPort}/site/sub`, { redirect: 'manual' });
    expect([reply.status, reply.headers.get('location')]).toEqual([301, '/site/sub/']);
  });
});
