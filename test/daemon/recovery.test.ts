import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { assertProcessGone, DAEMON_ENTRY, isAlive, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';

const daemons: TestDaemon[] = [];
const seenPids = new Set<number>();

const homes = new Set<string>();

afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  homes.clear();
  for (const pid of seenPids) await assertProcessGone(pid);
  seenPids.clear();
});

async function started(home?: string): Promise<TestDaemon> {
  const daemon = await startDaemon({ home });
  daemons.push(daemon);
  homes.add(daemon.home);
  return daemon;
}

function pidsOf(info: { instances: Array<{ pid: number | null }> }): number[] {
  return info.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
}

/** Processes whose environment names this HERVE_HOME's service: duplicates would show here. */
function processesOfService(home: string, service: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      // Services no longer see HERVE_HOME (Herve's own settings stay with the daemon): the test marks its home itself.
      if (environ.includes(`TEST_HERVE_HOME=${home}`) && environ.includes(`HERVE_SERVICE=${service}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

describe('crash recovery', () => {
  it('a daemon killed with -9 comes back with every service meant to run, no orphan, no duplicate', async () => {
    const first = await started();
    const api = await first.client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2, env: { TEST_HERVE_HOME: first.home } }));
    const echo = await first.client.call('register', { type: 'echo' });
    await first.client.call('register', { ...fixtureService('idle', 'http-ok.mjs'), start: false });
    const oldPids = [...pidsOf(api), ...pidsOf(echo)];
    oldPids.forEach((pid) => seenPids.add(pid));

    await first.kill9();
    daemons.splice(daemons.indexOf(first), 1);
    // The services outlive their daemon until the next one reaps them.
    expect(oldPids.every(isAlive)).toBe(true);
    expect(existsSync(first.paths.socket)).toBe(true);

    const second = await started(first.home);
    for (const pid of oldPids) await assertProcessGone(pid);
    const services = await waitFor(async () => {
      const { services } = await second.client.call('list');
      const meant = services.filter((service) => service.desired === 'running');
      return meant.length === 2 && meant.every((service) => service.status === 'running') ? services : null;
    }, { message: 'services did not come back' });
    const byName = Object.fromEntries(services.map((service) => [service.name, service]));
    expect(byName.idle.status).toBe('stopped');
    expect(byName.api.uuid).toBe(api.uuid);
    const newPids = [...pidsOf(byName.api), ...pidsOf(byName.echo)];
    newPids.forEach((pid) => seenPids.add(pid));
    expect(newPids).toHaveLength(3);
    expect(newPids.some((pid) => oldPids.includes(pid))).toBe(false);
    expect(processesOfService(first.home, 'api').sort()).toEqual(pidsOf(byName.api).sort());
    expect(second.output()).toContain('reaping pid');
    const { lines } = await second.client.call('logs', { service: 'api', lines: 100, grep: 'left running by a daemon that died' });
    expect(lines.map((line) => line.instance).sort()).toEqual([0, 1]);
  });

  it('a clean shutdown keeps desired states: the next daemon starts them again', async () => {
    const first = await started();
    const info = await first.client.call('register', fixtureService('keeper', 'http-ok.mjs'));
    pidsOf(info).forEach((pid) => seenPids.add(pid));
    expect(await first.stop()).toBe(0);
    daemons.splice(daemons.indexOf(first), 1);
    expect(existsSync(first.paths.socket)).toBe(false);
    expect(existsSync(first.paths.pidFile)).toBe(false);
    for (const pid of pidsOf(info)) await assertProcessGone(pid);

    const second = await started(first.home);
    const back = await waitFor(async () => {
      const current = await second.client.call('get', { service: 'keeper' });
      return current.status === 'running' ? current : null;
    });
    pidsOf(back).forEach((pid) => seenPids.add(pid));
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} on the daemon stops every service gracefully and exits 0`, async () => {
      const daemon = await started();
      const info = await daemon.client.call('register', fixtureService('calm', 'http-ok.mjs'));
      pidsOf(info).forEach((pid) => seenPids.add(pid));
      process.kill(daemon.pid, signal);
      await waitFor(() => daemon.exited, { message: 'daemon did not exit' });
      expect(await daemon.stop()).toBe(0);
      for (const pid of pidsOf(info)) await assertProcessGone(pid);
      expect(existsSync(daemon.paths.socket)).toBe(false);
      expect(existsSync(daemon.paths.pidFile)).toBe(false);
      expect(daemon.output()).toContain(`shutting down (${signal})`);
    });
  }

  it('creates the socket with mode 0600 and the pid file with its pid', async () => {
    const daemon = await started();
    expect(statSync(daemon.paths.socket).mode & 0o777).toBe(0o600);
    expect(readFileSync(daemon.paths.pidFile, 'utf8').trim()).toBe(String(daemon.pid));
  });

  it('a second daemon on the same home refuses to start and says which one runs', async () => {
    const daemon = await started();
    const second = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], { env: { ...process.env, HERVE_HOME: daemon.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => second.once('exit', done));
    expect(code).toBe(1);
    expect(output).toContain(`already running (pid ${daemon.pid})`);
    expect((await daemon.client.call('ping')).pong).toBe(true);
  });

  it('refuses to start beside a live daemon whose socket file was deleted', async () => {
    const daemon = await started();
    rmSync(daemon.paths.socket);
    const second = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], { env: { ...process.env, HERVE_HOME: daemon.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise<number | null>((done) => second.once('exit', done))).toBe(1);
    expect(output).toContain(`a herve daemon (pid ${daemon.pid}) is running but its socket is gone`);
    expect((await daemon.client.call('ping')).pong).toBe(true);
  });

  it('a start lock held by a live daemon stops a second start; one held by another program is stale', async () => {
    const holder = await started();
    const home = mkdtempSync('/tmp/hv-');
    homes.add(home);
    const lockFile = join(home, 'herve.lock');
    writeFileSync(lockFile, String(holder.pid));
    const refused = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], { env: { ...process.env, HERVE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    refused.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise<number | null>((done) => refused.once('exit', done))).toBe(1);
    expect(output).toContain(`another herve daemon is starting (pid ${holder.pid})`);

    // This test process is alive but is no daemon: its pid in the lock means nothing.
    writeFileSync(lockFile, String(process.pid));
    const daemon = await started(home);
    expect((await daemon.client.call('ping')).pong).toBe(true);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('replaces a stale socket file and a stale start lock left by a dead daemon', async () => {
    const first = await started();
    await first.kill9();
    daemons.splice(daemons.indexOf(first), 1);
    // A lock from a pid that no longer exists (the killed daemon's).
    writeFileSync(first.paths.lockFile, String(first.pid));
    const second = await started(first.home);
    expect(second.output()).toContain('removed a stale socket');
    expect(existsSync(first.paths.lockFile)).toBe(false);
  });
});
