import { describe, expect, it } from 'vitest';
import { assertProcessGone, cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

function remember(pids: Array<number | null>): void {
  for (const pid of pids) if (pid !== null) seenPids.add(pid);
}

async function answers(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

describe('service lifecycle through the socket', () => {
  it('registers, stops, starts, restarts and unregisters a command service', async () => {
    daemon = await startDaemon();
    const { client } = daemon;
    const registered = await client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2 }));
    expect(registered.status).toBe('running');
    expect(registered.instances.map((instance) => instance.status)).toEqual(['running', 'running']);
    remember(registered.instances.map((instance) => instance.pid));
    const [first, second] = firstItems(registered.instances, 2);
    expect(first.port).not.toBe(second.port);
    expect(await answers(first.port!)).toBe('ok api/0\n');
    expect(await answers(second.port!)).toBe('ok api/1\n');

    const stopped = await client.call('stop', { service: 'api' });
    expect(stopped.status).toBe('stopped');
    expect(stopped.desired).toBe('stopped');
    for (const instance of registered.instances) await assertProcessGone(instance.pid!);

    const started = await client.call('start', { service: registered.uuid });
    expect(started.status).toBe('running');
    remember(started.instances.map((instance) => instance.pid));

    const restarted = await client.call('restart', { service: 'api' });
    expect(restarted.status).toBe('running');
    remember(restarted.instances.map((instance) => instance.pid));
    for (const instance of started.instances) await assertProcessGone(instance.pid!);
    expect(restarted.instances.every((instance) => !started.instances.some((old) => old.pid === instance.pid))).toBe(true);

    const removed = await client.call('unregister', { service: 'api' });
    expect(removed).toEqual({ uuid: registered.uuid, name: 'api' });
    for (const instance of restarted.instances) await assertProcessGone(instance.pid!);
    expect((await client.call('list')).services).toEqual([]);
  });

  it('a start racing an unregister cannot bring the service back', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('racer', 'ignore-sigterm.mjs', { restart: { stopGraceMs: 300 } }));
    remember(info.instances.map((instance) => instance.pid));
    const unregistering = daemon.client.call('unregister', { service: 'racer' });
    await expect(daemon.client.call('start', { service: 'racer' })).rejects.toMatchObject({ code: 'not_found' });
    await unregistering;
    expect((await daemon.client.call('list')).services).toEqual([]);
    await assertProcessGone(itemAt(info.instances, 0).pid!);
  });

  it('pushes service events to a subscriber', async () => {
    daemon = await startDaemon();
    const watcher = await daemon.connect();
    const statuses: string[] = [];
    watcher.onEvent((event) => {
      if (event.event === 'service') statuses.push(event.data.status);
      if (event.event === 'service.removed') statuses.push('removed');
    });
    await watcher.subscribe(['services']);
    const info = await daemon.client.call('register', fixtureService('evented', 'http-ok.mjs'));
    remember(info.instances.map((instance) => instance.pid));
    await daemon.client.call('unregister', { service: 'evented' });
    await waitFor(() => statuses.includes('removed'), { message: 'no service.removed event' });
    expect(statuses).toContain('starting');
    expect(statuses).toContain('running');
    expect(statuses).toContain('stopping');
    expect(statuses.at(-1)).toBe('removed');
  });

  it('kills a service that ignores SIGTERM after the grace period', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('stubborn', 'ignore-sigterm.mjs', { restart: { stopGraceMs: 300 } }));
    const pid = itemAt(info.instances, 0).pid!;
    remember([pid]);
    const before = Date.now();
    const stopped = await daemon.client.call('stop', { service: 'stubborn' });
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
    expect(itemAt(stopped.instances, 0).lastExit?.signal).toBe('SIGKILL');
    await assertProcessGone(pid);
  });

  it('stops the whole process group, grandchildren included', async () => {
    daemon = await startDaemon();
    await daemon.client.call('register', fixtureService('family', 'spawn-grandchild.mjs', { restart: { stopGraceMs: 300 } }));
    const lines = await waitFor(async () => {
      const { lines } = await daemon!.client.call('logs', { service: 'family', lines: 50, grep: '^grandchild' });
      return lines.length > 0 ? lines : null;
    });
    const grandchild = Number(itemAt(lines, 0).line.split(' ')[1]);
    remember([grandchild]);
    await daemon.client.call('stop', { service: 'family' });
    await assertProcessGone(grandchild);
  });
});
