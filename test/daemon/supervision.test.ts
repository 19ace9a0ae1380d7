import { describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, cleanUpAfterEach, holdsFor, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

/** Follow a service's pids as they change, so the cleanup check covers every one. */
async function track(name: string): Promise<void> {
  const watcher = await daemon!.connect();
  watcher.onEvent((event) => {
    if (event.event !== 'service' || event.data.name !== name) return;
    for (const instance of event.data.instances) if (instance.pid !== null) seenPids.add(instance.pid);
  });
  await watcher.subscribe(['services']);
}

async function systemLines(name: string): Promise<string[]> {
  const { lines } = await daemon!.client.call('logs', { service: name, lines: 500 });
  return lines.filter((line) => line.stream === 'system').map((line) => line.line);
}

/** A program whose /health answers 200 until someone requests /sicken, then 500; every other path answers 200 "served". */
const SICK_ON_REQUEST = [
  'let sick = false;',
  "require('node:http').createServer((req, res) => {",
  "  if (req.url === '/sicken') sick = true;",
  "  if (req.url === '/health') res.statusCode = sick ? 500 : 200;",
  "  res.end(req.url === '/health' ? '' : 'served');",
  "}).listen(Number(process.env.PORT), '127.0.0.1');",
].join('');

describe('supervision', () => {
  it('brings a kill -9ed service back with a new pid after the initial backoff at most', async () => {
    daemon = await startDaemon();
    await track('echo');
    const before = await daemon.client.call('register', { type: 'echo' });
    const oldPid = itemAt(before.instances, 0).pid!;
    process.kill(oldPid, 'SIGKILL');
    const after = await waitFor(
      async () => {
        const info = await daemon!.client.call('get', { service: 'echo' });
        const instance = itemAt(info.instances, 0);
        return info.status === 'running' && instance.pid !== oldPid ? info : null;
      },
      { timeoutMs: 20_000, message: 'echo did not come back' },
    );
    const response = await fetch(`http://127.0.0.1:${itemAt(after.instances, 0).port}/hello`);
    expect(response.status).toBe(200);
    expect(itemAt(after.instances, 0).restarts).toBe(1);
    expect(itemAt(after.instances, 0).lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(after.restarts).toBe(1);
    // The delay the daemon chose: at once after a stable run, else the initial 100 ms (how long it took is bench/'s).
    expect((await systemLines('echo')).filter((line) => line.startsWith('restarting'))).toEqual([expect.stringMatching(/^restarting (now|in 100 ms)$/)]);
    await assertProcessGone(oldPid);
  });

  it('marks a crash-looping service crashed and stops restarting it until start', async () => {
    daemon = await startDaemon();
    await track('flaky');
    const spec = fixtureService('flaky', 'crash-after.mjs', {
      // Probed (not ready at spawn), so even a slow machine cannot make its 50 ms runs look stable.
      env: { CRASH_AFTER_MS: '50' },
      health: { intervalMs: 50 },
      restart: { backoffInitialMs: 20, crashLoopLimit: 3, crashLoopWindowMs: 10_000 },
    });
    await daemon.client.call('register', { ...spec, start: false });
    await daemon.client.call('start', { service: 'flaky', wait: false });
    const crashed = await waitFor(
      async () => {
        const info = await daemon!.client.call('get', { service: 'flaky' });
        return info.status === 'crashed' ? info : null;
      },
      { message: 'flaky never became crashed' },
    );
    expect(crashed.instances[0]).toMatchObject({ status: 'crashed', pid: null, restarts: 2 });
    expect((await systemLines('flaky')).some((line) => line.startsWith('crash loop: 3 exits'))).toBe(true);

    // No restart happens on its own: watched for far longer than the next backoff (80 ms) would take.
    const settled = await daemon.client.call('get', { service: 'flaky' });
    await holdsFor(
      async () => {
        const current = await daemon!.client.call('get', { service: 'flaky' });
        return current.status === 'crashed' && current.restarts === settled.restarts && itemAt(current.instances, 0).pid === null;
      },
      { forMs: 1500, message: 'flaky staying crashed' },
    );

    // `start` clears the crash loop and runs it again: a new process, and a new crash loop in time.
    await daemon.client.call('start', { service: 'flaky', wait: false });
    const spawned = await waitFor(
      async () => {
        const current = await daemon!.client.call('get', { service: 'flaky' });
        return itemAt(current.instances, 0).restarts > itemAt(settled.instances, 0).restarts ||
          (itemAt(current.instances, 0).pid !== null && current.status !== 'crashed')
          ? current
          : null;
      },
      { message: 'flaky running again after start' },
    );
    expect(spawned.status).not.toBe('crashed');
    const startedLines = (await systemLines('flaky')).filter((line) => line.startsWith('started pid'));
    expect(startedLines.length).toBeGreaterThan(itemAt(crashed.instances, 0).restarts + 1);
    await daemon.client.call('stop', { service: 'flaky' });
  });

  it('restart policy never leaves a failed instance crashed, on-failure keeps a clean exit stopped', async () => {
    daemon = await startDaemon();
    await track('once');
    await track('clean');
    await daemon.client.call(
      'register',
      fixtureService('once', 'crash-after.mjs', { env: { CRASH_AFTER_MS: '50' }, health: { path: null }, restart: { policy: 'never' } }),
    );
    await daemon.client.call('register', {
      type: 'command',
      name: 'clean',
      command: process.execPath,
      args: ['-e', 'setTimeout(() => process.exit(0), 50)'],
      health: { path: null },
      restart: { policy: 'on-failure' },
    });
    const once = await waitFor(async () => {
      const info = await daemon!.client.call('get', { service: 'once' });
      return itemAt(info.instances, 0).status === 'crashed' ? info : null;
    });
    expect(once.instances[0]).toMatchObject({ restarts: 0, lastExit: { code: 1 } });
    const clean = await waitFor(async () => {
      const info = await daemon!.client.call('get', { service: 'clean' });
      return itemAt(info.instances, 0).lastExit ? info : null;
    });
    expect(clean.instances[0]).toMatchObject({ status: 'stopped', restarts: 0, lastExit: { code: 0 } });
  });

  it('restarts an instance that never turns ready within startTimeoutMs, and never routes to it', async () => {
    daemon = await startDaemon();
    await track('mute');
    const info = await daemon.client.call('register', {
      ...fixtureService('mute', 'never-healthy.mjs', { health: { startTimeoutMs: 300, intervalMs: 100 }, restart: { stopGraceMs: 500 } }),
      start: false,
    });
    expect(info.status).toBe('stopped');
    await daemon.client.call('start', { service: 'mute', wait: false });
    await waitFor(async () => (await systemLines('mute')).some((line) => line.startsWith('not ready within 300 ms')), { message: 'no start timeout' });
    const restarted = await waitFor(async () => {
      const current = await daemon!.client.call('get', { service: 'mute' });
      return itemAt(current.instances, 0).restarts >= 1 ? current : null;
    });
    expect(itemAt(restarted.instances, 0).ready).toBe(false);
    expect(['starting', 'backoff']).toContain(itemAt(restarted.instances, 0).status);
    // Running but never ready: the front door answers itself and never forwards (the fixture would say "not ready").
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/mute/x`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'no_ready_instance', service: 'mute' });
    }
    await daemon.client.call('stop', { service: 'mute' });
  });

  it('turns a ready instance that fails its probes unhealthy, then restarts it', async () => {
    daemon = await startDaemon();
    await track('sick');
    const statuses: string[] = [];
    const watcher = await daemon.connect();
    watcher.onEvent((event) => {
      if (event.event === 'service' && event.data.name === 'sick') statuses.push(itemAt(event.data.instances, 0).status);
    });
    await watcher.subscribe(['services']);
    const info = await daemon.client.call('register', {
      type: 'command',
      name: 'sick',
      command: process.execPath,
      args: ['-e', SICK_ON_REQUEST],
      health: { intervalMs: 50, unhealthyThreshold: 2, restartAfterMs: 300 },
    });
    await waitFor(async () => (await daemon!.client.call('get', { service: 'sick' })).status === 'running', { message: 'sick ready first' });
    await fetch(`http://127.0.0.1:${itemAt(info.instances, 0).port}/sicken`);
    const unhealthy: ServiceInfo = await waitFor(
      async () => {
        const current = await daemon!.client.call('get', { service: 'sick' });
        return current.status === 'unhealthy' ? current : null;
      },
      { message: 'never unhealthy' },
    );
    expect(itemAt(unhealthy.instances, 0).ready).toBe(false);
    await waitFor(async () => itemAt((await daemon!.client.call('get', { service: 'sick' })).instances, 0).restarts >= 1, {
      message: 'unhealthy instance not restarted',
    });
    expect((await systemLines('sick')).some((line) => line.startsWith('unhealthy for 300 ms'))).toBe(true);
    // Seen as events, in this order: ready and running, then unhealthy, then restarted.
    const firstRunning = statuses.indexOf('running');
    expect(firstRunning).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf('unhealthy', firstRunning)).toBeGreaterThan(firstRunning);
    expect(statuses.slice(statuses.indexOf('unhealthy')).some((status) => status === 'stopping' || status === 'backoff' || status === 'starting')).toBe(true);
    await daemon.client.call('stop', { service: 'sick' });
  });

  it('takes an unhealthy instance out of routing: the proxy stops forwarding while it still answers directly', async () => {
    daemon = await startDaemon();
    await track('sick');
    const info = await daemon.client.call('register', {
      type: 'command',
      name: 'sick',
      command: process.execPath,
      args: ['-e', SICK_ON_REQUEST],
      // restartAfterMs 0: never restarted, so it stays unhealthy for the test to look at.
      health: { intervalMs: 50, unhealthyThreshold: 2, restartAfterMs: 0 },
    });
    const proxied = `http://127.0.0.1:${daemon.proxyPort}/sick/x`;
    const direct = `http://127.0.0.1:${itemAt(info.instances, 0).port}/x`;
    await waitFor(async () => (await daemon!.client.call('get', { service: 'sick' })).status === 'running', { message: 'sick ready first' });
    expect(await (await fetch(proxied)).text()).toBe('served');
    await fetch(`${direct.replace('/x', '/sicken')}`);
    await waitFor(async () => (await daemon!.client.call('get', { service: 'sick' })).status === 'unhealthy', { message: 'never unhealthy' });
    const refused = await fetch(proxied);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'no_ready_instance', service: 'sick' });
    expect(await (await fetch(direct)).text()).toBe('served');
    await daemon.client.call('stop', { service: 'sick' });
  });

  it('reports a command that does not exist as a system line and a failed instance; the daemon lives on', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', {
      type: 'command',
      name: 'ghost',
      command: '/nonexistent/herve-no-such-program',
      restart: { backoffInitialMs: 10, crashLoopLimit: 2 },
    });
    expect(itemAt(info.instances, 0).pid).toBeNull();
    const crashed = await waitFor(async () => {
      const current = await daemon!.client.call('get', { service: 'ghost' });
      return current.status === 'crashed' ? current : null;
    });
    expect(itemAt(crashed.instances, 0).status).toBe('crashed');
    const lines = await systemLines('ghost');
    expect(lines.some((line) => line.startsWith('failed to start:') && line.includes('ENOENT'))).toBe(true);
    expect((await daemon.client.call('ping')).pong).toBe(true);
  });
});
