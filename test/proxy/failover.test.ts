import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertProcessGone, isAlive, waitFor } from '../helpers/daemon.js';
import { startHarness, type Harness } from './fixtures/harness.js';
import { startUpstream, type Upstream } from './fixtures/upstream.js';
import { itemAt } from '../helpers/item-at.js';

const UPSTREAM_PROGRAM = fileURLToPath(new URL('./fixtures/upstream-process.mjs', import.meta.url));

interface Spawned {
  child: ChildProcess;
  port: number;
}

function spawnUpstream(name: string): Promise<Spawned> {
  const child = spawn(process.execPath, [UPSTREAM_PROGRAM], { env: { ...process.env, UPSTREAM_NAME: name }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve({ child, port: Number(data.toString().trim()) }));
  });
}

describe('failover and aborted clients', () => {
  let harness: Harness;
  let children: Spawned[] = [];
  let upstreams: Upstream[] = [];

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(async () => {
    await harness.door.close();
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const { child } of children) await assertProcessGone(child.pid!);
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    children = [];
    upstreams = [];
  });

  it('kill -9 of one of three replicas under load costs (almost) no failed request', async () => {
    children = await Promise.all(['a', 'b', 'c'].map(spawnUpstream));
    harness.routes.set(
      'web',
      children.map(({ port }) => port),
    );
    let ok = 0;
    let failed = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const response = await fetch(`${harness.url}/web/`).catch(() => null);
        if (response?.status === 200) ok++;
        else failed++;
        await response?.arrayBuffer();
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // Counted in requests, with deadlines a loaded machine cannot miss: how fast they go is bench/'s business.
    await waitFor(() => ok >= 100, { timeoutMs: 60_000, message: '100 requests before the kill' });
    const victim = itemAt(children, 1);
    victim.child.kill('SIGKILL');
    await waitFor(() => !isAlive(victim.child.pid!), { message: 'the victim to die' });
    const okAtKill = ok;
    // The orchestrator notices a dead instance only at its next probe; until then it stays a target.
    await waitFor(() => ok >= okAtKill + 200, { timeoutMs: 60_000, message: '200 requests after the kill' });
    harness.routes.set('web', [itemAt(children, 0).port, itemAt(children, 2).port]);
    await waitFor(() => ok >= okAtKill + 300, { timeoutMs: 60_000, message: '100 more requests after the route update' });
    stop = true;
    await Promise.all(workers);
    expect(failed).toBeLessThanOrEqual(2);
    expect(harness.door.requestStats.forService('web')?.errors5xx).toBe(failed);
  }, 240_000);

  it('a POST refused at connect is sent, body and all, to another instance; one whose body was partly sent is never replayed', async () => {
    const bodies: string[] = [];
    const live = await startUpstream((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        res.end('stored');
      });
    });
    upstreams.push(live);
    harness.routes.set('store', [await closedPort(), live.port]);
    const payload = 'p'.repeat(256 * 1024);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${harness.url}/store/`, { method: 'POST', body: payload });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual(Array(10).fill(200));
    expect(bodies).toEqual(Array(10).fill(payload));

    let received = 0;
    const cutter = await startUpstream((req) => {
      received++;
      // Reads a first piece of the body, then drops the connection: the rest of the body was on its way.
      req.once('data', () => req.socket.destroy());
    });
    upstreams.push(cutter);
    harness.routes.set('cut', [cutter.port, live.port]);
    bodies.length = 0;
    const cut = await fetch(`${harness.url}/cut/`, { method: 'POST', body: payload });
    await cut.arrayBuffer();
    expect(cut.status).toBe(502);
    expect(received).toBe(1);
    expect(bodies).toEqual([]);
  });

  it('a client that leaves before the upstream answers frees the upstream request at once', async () => {
    let upstreamSawClose = false;
    let upstreamGotRequest = false;
    const silent = await startUpstream((req) => {
      upstreamGotRequest = true;
      req.socket.once('close', () => (upstreamSawClose = true));
    });
    upstreams.push(silent);
    harness.routes.set('silent', [silent.port]);
    const controller = new AbortController();
    const pending = fetch(`${harness.url}/silent/`, { signal: controller.signal }).catch((error: Error) => error);
    await waitFor(() => upstreamGotRequest, { message: 'the request to reach the upstream' });
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => upstreamSawClose, { message: 'the upstream connection to close' });
    await waitFor(() => harness.door.requestStats.forService('silent')?.total === 1, { message: 'the request to be recorded' });
  });

  it('1,000 downloads aborted mid-body leave no busy upstream socket', async () => {
    let active = 0;
    const chunk = Buffer.alloc(64 * 1024, 97);
    const big = await startUpstream((_req, res) => {
      active++;
      res.on('close', () => active--);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(chunk.length * 64) });
      // Writes until the socket pushes back; the rest would only follow a reading client.
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    upstreams.push(big);
    harness.routes.set('big', [big.port]);
    const rssBefore = process.memoryUsage().rss;

    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => abortAfterFirstChunk(harness.door.port, '/big/file')));
    }

    await waitFor(() => active === 0, { timeoutMs: 10_000, message: 'every upstream response to close' });
    const usage = (await (await fetch(`${harness.url}/_herve/upstreams`)).json()) as { upstreams: { port: number; running: number; pending: number }[] };
    expect(usage.upstreams.find((entry) => entry.port === big.port)).toMatchObject({ running: 0, pending: 0 });
    // Still serving afterwards: nothing queued behind leaked sockets.
    const after = await fetch(`${harness.url}/big/file`);
    expect(after.status).toBe(200);
    expect((await after.arrayBuffer()).byteLength).toBe(chunk.length * 64);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    // A count, not a speed: on a loaded machine the thousand downloads take minutes rather than seconds.
  }, 240_000);
});

/** A port nothing listens on (the kernel just handed it out and it was closed again). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function abortAfterFirstChunk(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
    req.end();
  });
}
