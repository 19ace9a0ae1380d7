import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertProcessGone, cleanUpAfterEach, DAEMON_ENTRY, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

describe('the daemon and its front door', () => {
  it('reports the proxy port and round-robins over the ready instances', async () => {
    daemon = await startDaemon();
    expect(daemon.proxyPort).toBeGreaterThan(0);
    const info = await daemon.client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2 }));
    info.instances.forEach((instance) => {
      seenPids.add(instance.pid!);
    });
    expect(info.url).toBe(`http://localhost:${daemon.proxyPort}/api/`);
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add(await (await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/x`)).text());
    expect([...bodies].sort()).toEqual(['ok api/0\n', 'ok api/1\n']);

    const stats = await daemon.client.call('stats');
    expect(stats.services.find((service) => service.name === 'api')?.requests?.total).toBe(4);

    await daemon.client.call('stop', { service: 'api' });
    const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/x`);
    expect(response.status).toBe(503);
  });

  it('routes only to ready instances: never to one that runs and answers but is not ready', async () => {
    daemon = await startDaemon();
    await daemon.client.call('register', { ...fixtureService('half', 'first-instance-ready.mjs', { replicas: 2, health: { intervalMs: 100 } }), start: false });
    // No waiting for instance 1, which never settles as ready.
    const info = await daemon.client.call('start', { service: 'half', wait: false });
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const ready = await waitFor(
      async () => {
        const current = await daemon!.client.call('get', { service: 'half' });
        return itemAt(current.instances, 0).ready ? current : null;
      },
      { message: 'instance 0 ready' },
    );
    ready.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    expect(ready.instances[1]).toMatchObject({ ready: false });
    // Instance 1 is up and would answer if asked (it may start listening after instance 0 is ready).
    const direct = `http://127.0.0.1:${itemAt(ready.instances, 1).port}/x`;
    const answer = await waitFor(
      () =>
        fetch(direct).then(
          (response) => response.text(),
          () => null,
        ),
      { message: 'instance 1 answering directly' },
    );
    expect(answer).toBe('ok half/1\n');
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push(await (await fetch(`http://127.0.0.1:${daemon.proxyPort}/half/x`)).text());
    expect(bodies).toEqual(Array(6).fill('ok half/0\n'));
  });

  it('answers 504 after HERVE_UPSTREAM_TIMEOUT_MS when a service sends no headers', async () => {
    daemon = await startDaemon({ env: { HERVE_UPSTREAM_TIMEOUT_MS: '300' } });
    const info = await daemon.client.call('register', fixtureService('slow', 'slow-headers.mjs'));
    info.instances.forEach((instance) => {
      seenPids.add(instance.pid!);
    });
    const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/slow/x`);
    // The service would answer after 10 s with a 200: a 504 can only come from the proxy's own deadline.
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'gateway_timeout', service: 'slow' });
  });

  it('a kill -9ed service answers through the proxy again', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', { type: 'echo' });
    const pid = itemAt(info.instances, 0).pid!;
    seenPids.add(pid);
    process.kill(pid, 'SIGKILL');
    await assertProcessGone(pid);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${daemon!.proxyPort}/echo/`)).status === 200, {
      timeoutMs: 20_000,
      message: 'echo answering again',
    });
    const current = await daemon.client.call('get', { service: 'echo' });
    current.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    expect(itemAt(current.instances, 0).pid).not.toBe(pid);
  });

  it('refuses to start when the proxy port is taken, saying so', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    const home = mkdtempSync('/tmp/hv-');
    try {
      const child = spawn(process.execPath, [DAEMON_ENTRY, '--port', String(port)], {
        env: { ...process.env, HERVE_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`cannot start: .*${port}`));
    } finally {
      blocker.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
