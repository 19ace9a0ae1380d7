import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceHealthChange, PassiveHealthSpec, ServiceInfo } from '../../protocol/index.js';
import { herve } from '../cli/harness.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

let failDir: string;
afterEach(() => rmSync(failDir, { recursive: true, force: true }));

/** Which instance answered, with what: the fixture's body is `<instance> <pid>`. */
interface Answer {
  status: number;
  instance: number;
  pid: number;
  at: number;
}

async function ask(daemon: TestDaemon): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/flaky/work`);
  const [instance = Number.NaN, pid = Number.NaN] = (await response.text()).trim().split(' ').map(Number);
  return { status: response.status, instance, pid, at: Date.now() };
}

/** A websocket upgrade through the front door, answered or not: resolves when the connection ends. */
function tryUpgrade(daemon: TestDaemon): Promise<void> {
  return new Promise((done) => {
    const socket = createConnection(daemon.proxyPort!, '127.0.0.1', () => {
      socket.end(
        'GET /flaky/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done());
    socket.resume();
  });
}

/** A daemon running `flaky` (2 replicas of fail-on-file.mjs), its events recorded. */
async function startFlaky(passive: Partial<PassiveHealthSpec>, probeEveryMs?: number, daemonEnv?: NodeJS.ProcessEnv) {
  failDir = mkdtempSync('/tmp/hv-fail-');
  const daemon = await startDaemon({ env: daemonEnv });
  const events: InstanceHealthChange[] = [];
  const listener = await daemon.connect();
  await listener.subscribe(['services']);
  listener.onEvent((event) => {
    if (event.event === 'instance.health') events.push(event.data);
  });
  const specWith = (settings: Partial<PassiveHealthSpec>) =>
    fixtureService('flaky', 'fail-on-file.mjs', {
      replicas: 2,
      env: { FAIL_DIR: failDir },
      health: { passive: { count5xx: true, ...settings }, ...(probeEveryMs ? { intervalMs: probeEveryMs } : {}) },
    });
  const registered = await daemon.client.call('register', specWith(passive));
  for (const instance of registered.instances) seenPids.add(instance.pid!);
  const fail = (instance: number) => writeFileSync(join(failDir, String(instance)), '');
  const heal = (instance: number) => rmSync(join(failDir, String(instance)), { force: true });
  const get = async (): Promise<ServiceInfo> => {
    const info = await daemon.client.call('get', { service: 'flaky' });
    for (const instance of info.instances) if (instance.pid) seenPids.add(instance.pid);
    return info;
  };
  /** Requests until `done()` holds, each answer kept. */
  const askUntil = async (done: (answers: Answer[]) => boolean, message: string): Promise<Answer[]> => {
    const answers: Answer[] = [];
    await waitFor(
      async () => {
        answers.push(await ask(daemon));
        return done(answers);
      },
      { timeoutMs: 60_000, intervalMs: 5, message },
    );
    return answers;
  };
  const change =
    (kind: InstanceHealthChange['change'], nth = 1) =>
    () =>
      events.filter((event) => event.change === kind).length >= nth;
  return { daemon, events, fail, heal, get, askUntil, change, specWith };
}

describe('passive health', () => {
  it('ejects an instance that answers 500, sends everything to the other, shows it, and never ejects the last one', async () => {
    const flaky = await startFlaky({ coolDownMs: 600_000, restartAfterEjections: 0 });
    flaky.fail(1);
    await flaky.askUntil(flaky.change('ejected'), 'instance 1 ejected');
    const ejected = flaky.events[0]!;
    expect(ejected).toMatchObject({
      service: 'flaky',
      instance: 1,
      change: 'ejected',
      ejection: { failures: 3, reason: 'HTTP 500', streak: 1 },
    });
    expect(ejected.message).toMatch(/^instance 1 ejected after 3 failures: HTTP 500; back in 600 s$/);
    expect(ejected.ejection.until).toBeGreaterThan(Date.now());

    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(flaky.daemon)));
    expect(answers.map(({ status, instance }) => `${status} ${instance}`)).toEqual(Array(20).fill('200 0'));

    const listed = await herve(flaky.daemon.home, ['ls', '--json']);
    expect(listed.exitCode).toBe(0);
    const service = (JSON.parse(listed.stdout).services as ServiceInfo[]).find(({ name }) => name === 'flaky')!;
    expect(service.instances[1]).toMatchObject({
      status: 'running',
      ready: true,
      ejected: { until: ejected.ejection.until, failures: 3, reason: 'HTTP 500' },
    });
    expect(service.instances[0]!.ejected).toBeUndefined();
    const table = await herve(flaky.daemon.home, ['ls']);
    expect(table.stdout).toContain('2/2 ⊘1');
    expect(table.stdout).toMatch(/flaky #1 ⊘ ejected until .+: 3 failures, last HTTP 500/);
    const logs = await flaky.daemon.client.call('logs', { service: 'flaky', grep: 'ejected' });
    expect(logs.lines.map((line) => line.line)).toContain(ejected.message);

    // Now the only routable instance fails too: it stays in rotation, its 500s reach the client.
    flaky.fail(0);
    const kept = await waitFor(
      async () => {
        await Promise.all(Array.from({ length: 5 }, () => ask(flaky.daemon)));
        const lines = await flaky.daemon.client.call('logs', { service: 'flaky', grep: 'last routable' });
        return lines.lines[0];
      },
      { timeoutMs: 60_000, message: 'instance 0 kept as the last routable instance' },
    );
    expect(kept.line).toBe('instance 0 failed 3 times (HTTP 500) but is the last routable instance of flaky: kept in rotation');
    const after = await ask(flaky.daemon);
    expect(after).toMatchObject({ status: 500, instance: 0 });
    expect((await flaky.get()).instances[0]!.ejected).toBeUndefined();
    expect(flaky.events.filter((event) => event.change === 'ejected')).toHaveLength(1);
  });

  it('takes an ejected instance back after its cool-down', async () => {
    const flaky = await startFlaky({ coolDownMs: 500, restartAfterEjections: 0 });
    flaky.fail(1);
    await flaky.askUntil(flaky.change('ejected'), 'instance 1 ejected');
    flaky.heal(1);
    await waitFor(flaky.change('returned'), { timeoutMs: 30_000, message: 'instance 1 back in rotation' });
    expect(flaky.events[1]).toMatchObject({
      instance: 1,
      change: 'returned',
      message: 'instance 1 back in rotation after a 0.5 s cool-down',
    });
    const answers = await flaky.askUntil((answers) => answers.some(({ instance }) => instance === 1), 'instance 1 answering again');
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    expect((await flaky.get()).instances[1]!.ejected).toBeUndefined();
    expect(flaky.events).toHaveLength(2);
  });

  it('restarts an instance ejected again and again (its pid changes), by its restart policy', async () => {
    const flaky = await startFlaky({ coolDownMs: 200, restartAfterEjections: 2 });
    const before = (await flaky.get()).instances[1]!.pid!;
    flaky.fail(1);
    await flaky.askUntil(flaky.change('restarting'), 'instance 1 restarting');
    flaky.heal(1);
    const kinds = flaky.events.map((event) => event.change);
    expect(kinds.slice(0, 3)).toEqual(['ejected', 'returned', 'restarting']);
    expect(flaky.events[2]).toMatchObject({
      instance: 1,
      ejection: { until: null, streak: 2 },
      message: 'instance 1 ejected 2 times in a row (last after 3 failures: HTTP 500)',
    });
    const restarted = await waitFor(
      async () => {
        const info = await flaky.get();
        const instance = info.instances[1]!;
        return instance.pid !== null && instance.pid !== before && instance.ready ? info : null;
      },
      { timeoutMs: 60_000, message: 'instance 1 running again under a new pid' },
    );
    expect(restarted.instances[1]!.ejected).toBeUndefined();
    expect(restarted.instances[1]!.restarts).toBe(1);
    const logs = await flaky.daemon.client.call('logs', { service: 'flaky', grep: 'restarting' });
    expect(logs.lines.map((line) => line.line)).toContain('ejected 2 times in a row (last after 3 failures: HTTP 500) — restarting');
    await waitFor(async () => (await ask(flaky.daemon)).pid === restarted.instances[1]!.pid, {
      timeoutMs: 30_000,
      message: 'the new instance 1 answering',
    });
  });

  it('by default ejects a replica that refuses connections, each refused GET going to the other', async () => {
    // Probes far apart: only what the proxy sees can take the replica out of rotation in time.
    const flaky = await startFlaky({ count5xx: false, coolDownMs: 600_000 }, 600_000);
    process.kill((await flaky.get()).instances[1]!.pid!, 'SIGUSR1');
    const answers = await flaky.askUntil(flaky.change('ejected'), 'instance 1 ejected');
    expect(flaky.events[0]).toMatchObject({
      instance: 1,
      change: 'ejected',
      ejection: { reason: 'connect ECONNREFUSED', failures: 3 },
    });
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    const after = await Promise.all(Array.from({ length: 10 }, () => ask(flaky.daemon)));
    expect(after.map(({ status, instance }) => `${status} ${instance}`)).toEqual(Array(10).fill('200 0'));
  });

  it('by default ejects a replica that stops answering (timeouts), the others taking the traffic', async () => {
    const flaky = await startFlaky({ count5xx: false, coolDownMs: 600_000 }, 600_000, {
      HERVE_UPSTREAM_TIMEOUT_MS: '300',
    });
    const stuck = (await flaky.get()).instances[1]!.pid!;
    process.kill(stuck, 'SIGSTOP');
    try {
      const answers = await flaky.askUntil(flaky.change('ejected'), 'instance 1 ejected after timeouts');
      expect(flaky.events[0]).toMatchObject({
        instance: 1,
        ejection: { reason: 'timeout (no response headers)', failures: 3 },
      });
      expect(answers.filter(({ status }) => status === 504)).toHaveLength(3);
      const after = await Promise.all(Array.from({ length: 10 }, () => ask(flaky.daemon)));
      expect(after.map(({ status, instance }) => `${status} ${instance}`)).toEqual(Array(10).fill('200 0'));
    } finally {
      process.kill(stuck, 'SIGCONT');
    }
  });

  it('counts a refused websocket upgrade against its instance too', async () => {
    const flaky = await startFlaky({ count5xx: false, coolDownMs: 600_000 }, 600_000);
    process.kill((await flaky.get()).instances[1]!.pid!, 'SIGUSR1');
    await waitFor(
      async () => {
        await tryUpgrade(flaky.daemon);
        return flaky.change('ejected')();
      },
      { timeoutMs: 60_000, message: 'instance 1 ejected by upgrades alone' },
    );
    expect(flaky.events[0]).toMatchObject({ instance: 1, ejection: { reason: 'connect ECONNREFUSED' } });
  });

  it('applies changed thresholds at once, replacing no instance', async () => {
    const flaky = await startFlaky({ maxFails: 0, coolDownMs: 600_000 });
    const pids = (await flaky.get()).instances.map((instance) => instance.pid);
    flaky.fail(1);
    const failing = await Promise.all(Array.from({ length: 20 }, () => ask(flaky.daemon)));
    expect(failing.filter(({ status }) => status === 500)).toHaveLength(10);
    expect(flaky.events).toEqual([]);

    const updated = await flaky.daemon.client.call('update', {
      service: 'flaky',
      spec: flaky.specWith({ maxFails: 3, coolDownMs: 600_000 }),
    });
    expect(updated).toMatchObject({ changed: ['health.passive'], rolled: false });
    expect(updated.service.health.passive.maxFails).toBe(3);
    await flaky.askUntil(flaky.change('ejected'), 'instance 1 ejected under the new threshold');
    expect((await flaky.get()).instances.map((instance) => instance.pid)).toEqual(pids);
  });

  it('counts only connection failures and timeouts by default: 500s eject nothing', async () => {
    const flaky = await startFlaky({ count5xx: false });
    flaky.fail(1);
    const answers = await Promise.all(Array.from({ length: 30 }, () => ask(flaky.daemon)));
    expect(answers.filter(({ status }) => status === 500).length).toBeGreaterThanOrEqual(10);
    expect((await flaky.get()).instances[1]!.ejected).toBeUndefined();
    expect(flaky.events).toEqual([]);
  });
});
