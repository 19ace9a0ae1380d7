import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceHealthChange, ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, cleanUpAfterEach, registerReady, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { getOnNewConnection, startRequestLoop } from '../helpers/request-loop.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

let failDir: string | undefined;
afterEach(() => {
  if (failDir !== undefined) rmSync(failDir, { recursive: true, force: true });
  failDir = undefined;
});

interface FrontDoorProcess {
  index: number;
  pid: number | null;
  serving: boolean;
  served: number;
  restarts: number;
}

function startWithWorkers(workers = 2): Promise<TestDaemon> {
  return startDaemon({ args: ['--port', '0', '--workers', String(workers)] });
}

async function processes(daemon: TestDaemon): Promise<FrontDoorProcess[]> {
  const answer = await getOnNewConnection(`http://127.0.0.1:${daemon.proxyPort}/_herve/workers`);
  return (JSON.parse(answer.body) as { processes: FrontDoorProcess[] }).processes;
}

async function workerPid(daemon: TestDaemon): Promise<number> {
  const pid = (await processes(daemon)).find((each) => each.index === 1)?.pid;
  if (pid === null || pid === undefined) throw new Error('no front-door worker');
  return pid;
}

/** `count` GETs, `concurrency` at a time, each on its own connection: the kernel spreads them over the processes. */
async function sendMany(url: string, count: number, concurrency = 8): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const sender = async () => {
    while (next < count) {
      next++;
      statuses.push((await getOnNewConnection(url)).status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return statuses;
}

function pidsOf(service: ServiceInfo): number[] {
  const pids = service.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
  for (const pid of pids) seenPids.add(pid);
  return pids;
}

async function metricCount(daemon: TestDaemon, service: string): Promise<number> {
  const { body } = await getOnNewConnection(`http://127.0.0.1:${daemon.proxyPort}/metrics`);
  const line = body.split('\n').find((row) => row.startsWith(`herve_http_requests_total{service="${service}",status_class="2xx"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('the front door on two processes (--workers 2)', () => {
  it('serves requests from the daemon and its worker, and the stats, /metrics and the access log count every one', async () => {
    const daemon = await startWithWorkers();
    await registerReady(daemon, fixtureService('web', 'http-ok.mjs'), seenPids);
    const sent = 300;
    const statuses = await sendMany(`http://127.0.0.1:${daemon.proxyPort}/web/hello`, sent);
    expect(statuses.filter((status) => status === 200)).toHaveLength(sent);

    // What the worker served reaches the daemon in batches: wait for the last one.
    const stats = await waitFor(
      async () => {
        const snapshot = await daemon.client.call('stats');
        const total = snapshot.services.find((service) => service.name === 'web')?.requests?.total ?? 0;
        return total >= sent ? total : null;
      },
      { message: 'every request in the stats' },
    );
    expect(stats).toBe(sent);
    expect(await metricCount(daemon, 'web')).toBe(sent);
    const logged = await daemon.client.call('requests', { service: 'web', lines: 1000 });
    expect(logged.requests).toHaveLength(sent);
    expect(logged.requests.every((record) => record.status === 200 && record.path === '/web/hello')).toBe(true);

    const [own, worker] = await processes(daemon);
    expect(own?.pid).toBe(daemon.pid);
    expect(worker?.pid).not.toBe(daemon.pid);
    // Both accepted connections, and between them they served every request.
    expect(own!.served).toBeGreaterThan(0);
    expect(worker!.served).toBeGreaterThan(0);
    expect(own!.served + worker!.served).toBe(sent);
  });

  it("answers Herve's own pages and API whichever process takes the connection", async () => {
    const daemon = await startWithWorkers();
    await registerReady(daemon, fixtureService('web', 'http-ok.mjs'), seenPids);
    const before = (await processes(daemon))[1]!.served;
    for (let round = 0; round < 30; round++) {
      const listing = await getOnNewConnection(`http://127.0.0.1:${daemon.proxyPort}/`);
      expect(listing.status).toBe(200);
      expect(JSON.parse(listing.body).routes.map((route: { name: string }) => route.name)).toEqual(['web']);
      expect((await getOnNewConnection(`http://127.0.0.1:${daemon.proxyPort}/health`)).status).toBe(200);
      const misdirected = await new Promise<number>((resolve, reject) => {
        import('node:http').then(({ get }) =>
          get({ host: '127.0.0.1', port: daemon.proxyPort!, path: '/', agent: false, headers: { host: 'evil.example' } }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          }).on('error', reject),
        );
      });
      expect(misdirected).toBe(421);
    }
    // Herve's own requests are not proxied requests: nothing recorded for them.
    expect((await processes(daemon))[1]!.served).toBe(before);
  });

  it('rolls a service through both processes without one failed request', async () => {
    const daemon = await startWithWorkers();
    const registered = await daemon.client.call('register', fixtureService('web', 'slow-reply.mjs', { replicas: 2 }));
    const before = pidsOf(registered);
    const servedBefore = (await processes(daemon))[1]!.served;
    // Requests that take a while, so some are in flight on the old instances, in either process, when they are retired.
    const loop = startRequestLoop(`http://127.0.0.1:${daemon.proxyPort}/web/?ms=30`, 6, { freshConnections: true });
    await waitFor(() => loop.bodies.length > 20, { message: 'requests flowing before the roll' });

    const rolled = await daemon.client.call('restart', { service: 'web', rolling: true });
    const after = pidsOf(rolled);
    await waitFor(() => loop.bodies.slice(-10).every((body) => after.some((pid) => body.includes(String(pid)))), {
      message: 'the new instances serving',
    });
    const result = await loop.stop();

    expect(result.failures).toEqual([]);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    for (const pid of before) await assertProcessGone(pid);
    await waitFor(async () => (await processes(daemon))[1]!.served > servedBefore, { message: 'the worker served part of the loop' });
  });

  it('ejects an instance that fails in either process, and both stop sending to it', async () => {
    failDir = mkdtempSync('/tmp/hv-fail-');
    const daemon = await startWithWorkers();
    const events: InstanceHealthChange[] = [];
    const listener = await daemon.connect();
    await listener.subscribe(['services']);
    listener.onEvent((event) => {
      if (event.event === 'instance.health') events.push(event.data);
    });
    const spec = fixtureService('flaky', 'fail-on-file.mjs', {
      replicas: 2,
      env: { FAIL_DIR: failDir },
      health: { passive: { count5xx: true, maxFails: 3, coolDownMs: 60_000 } },
    });
    await registerReady(daemon, spec, seenPids);
    writeFileSync(join(failDir, '0'), '');
    const url = `http://127.0.0.1:${daemon.proxyPort}/flaky/work`;
    await waitFor(
      async () => {
        await sendMany(url, 4, 2);
        return events.some((event) => event.instance === 0 && event.change === 'ejected');
      },
      { message: 'instance 0 ejected' },
    );
    // Once every process has the new routes, nothing goes to the ejected instance.
    await waitFor(async () => (await sendMany(url, 20, 4)).every((status) => status === 200), { message: 'no 500 once ejected' });
    const servedBefore = (await processes(daemon))[1]!.served;
    const statuses = await sendMany(url, 100);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitFor(async () => (await processes(daemon))[1]!.served > servedBefore, { message: 'the worker served some of them' });
  });

  it('replaces a worker that dies, and says so in its log', async () => {
    const daemon = await startWithWorkers();
    await registerReady(daemon, fixtureService('web', 'http-ok.mjs'), seenPids);
    const first = await workerPid(daemon);
    process.kill(first, 'SIGKILL');
    await assertProcessGone(first);
    const replaced = await waitFor(
      async () => {
        const worker = (await processes(daemon))[1];
        return worker?.serving && worker.pid !== first && worker.restarts === 1 ? worker : null;
      },
      { message: 'a new worker' },
    );
    expect(daemon.output()).toContain(`front-door worker 1 (pid ${first}) exited (SIGKILL)`);
    await waitFor(
      async () => {
        expect((await sendMany(`http://127.0.0.1:${daemon.proxyPort}/web/`, 20)).every((status) => status === 200)).toBe(true);
        return (await processes(daemon))[1]!.served > 0;
      },
      { message: 'the new worker serving' },
    );
    expect(replaced.pid).not.toBe(daemon.pid);
  });

  it('leaves no worker behind when the daemon shuts down', async () => {
    const daemon = await startWithWorkers(3);
    const workers = (await processes(daemon)).slice(1).map((each) => each.pid!);
    expect(workers).toHaveLength(2);
    expect(await daemon.stop()).toBe(0);
    for (const pid of workers) await assertProcessGone(pid);
  });

  it('leaves no worker holding the port when the daemon is killed with -9', async () => {
    const daemon = await startWithWorkers();
    const worker = await workerPid(daemon);
    const port = daemon.proxyPort!;
    await daemon.kill9();
    await assertProcessGone(worker);
    // The port is free again: nothing of the daemon's listens there.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});
