import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { assertProcessGone, DAEMON_ENTRY, isAlive, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

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

/** Herve monitors (/bin/sh) of this HERVE_HOME: their command line names its run directory. */
function monitorsOf(home: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('herve-monitor') && argv.includes(join(home, 'run'))) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** GET /api/ through the front door in a loop; counts answers (refusals while no daemon runs are expected). */
function requestLoop(initialPort: () => number | null) {
  let port = initialPort;
  let ok = 0;
  let okMark = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const response = await fetch(`http://127.0.0.1:${port()}/api/`);
        await response.arrayBuffer();
        if (response.status === 200) ok += 1;
      } catch {
        await new Promise((wake) => setTimeout(wake, 10));
      }
    }
  })();
  return {
    retarget(next: () => number | null) {
      port = next;
      okMark = ok;
    },
    okSince: () => ok - okMark,
    async stop() {
      running = false;
      await done;
    },
  };
}

function pidsOf(info: { instances: Array<{ pid: number | null }> }): number[] {
  return info.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
}

/** Processes whose environment names this HERVE_HOME's service: duplicates would show here. */
/** The processes of a service whose parent is one of these monitors (services see no HERVE_HOME: it is Herve's own setting). */
function processesOfService(monitors: number[], service: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (monitors.includes(parent) && environ.includes(`HERVE_SERVICE=${service}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

describe('crash recovery', () => {
  it('a daemon killed with -9 leaves its services running; the next one re-adopts them: same pids, routing, every line printed meanwhile', async () => {
    const first = await started();
    const api = await first.client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2 }));
    const echo = await first.client.call('register', { type: 'echo' });
    const victim = await first.client.call('register', fixtureService('victim', 'http-ok.mjs'));
    const ticker = await first.client.call('register', fixtureService('ticker', 'counter.mjs', { health: { path: null } }));
    await first.client.call('register', { ...fixtureService('idle', 'http-ok.mjs'), start: false });
    const kept = [...pidsOf(api), ...pidsOf(echo), ...pidsOf(ticker)];
    const victimPid = itemAt(pidsOf(victim), 0);
    [...kept, victimPid].forEach((pid) => {
      seenPids.add(pid);
    });
    monitorsOf(first.home).forEach((pid) => {
      seenPids.add(pid);
    });
    expect(monitorsOf(first.home)).toHaveLength(5);
    const requests = requestLoop(() => first.proxyPort);

    await first.kill9();
    daemons.splice(daemons.indexOf(first), 1);
    expect([...kept, victimPid].every(isAlive)).toBe(true);
    // Killed while no daemon runs: its monitor records the exit, the next daemon restarts it.
    process.kill(victimPid, 'SIGKILL');
    await assertProcessGone(victimPid);

    const second = await started(first.home);
    requests.retarget(() => second.proxyPort);
    const services = await waitFor(
      async () => {
        const { services } = await second.client.call('list');
        const meant = services.filter((service) => service.desired === 'running');
        return meant.length === 4 && meant.every((service) => service.status === 'running') ? services : null;
      },
      { message: 'services did not come back' },
    );
    const byName = Object.fromEntries(services.map((service) => [service.name, service]));
    const named = (name: string) => byName[name] ?? expect.fail(`no service ${name} after the restart`);
    expect(named('idle').status).toBe('stopped');
    expect([...pidsOf(named('api')), ...pidsOf(named('echo')), ...pidsOf(named('ticker'))]).toEqual(kept);
    const monitorsNow = monitorsOf(first.home);
    expect(monitorsNow).toHaveLength(5);
    expect(processesOfService(monitorsNow, 'api').sort()).toEqual(pidsOf(named('api')).sort());
    const newVictimPid = itemAt(pidsOf(named('victim')), 0);
    seenPids.add(newVictimPid);
    expect(newVictimPid).not.toBe(victimPid);
    expect(itemAt(named('victim').instances, 0).lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    const victimLog = (await second.client.call('logs', { service: 'victim', lines: 100 })).lines.map((line) => line.line);
    expect(victimLog).toContain(`pid ${victimPid} ended while no daemon was running`);
    expect(victimLog).toContain('killed by SIGKILL');
    const apiLog = (await second.client.call('logs', { service: 'api', lines: 100, grep: 're-adopted pid' })).lines;
    expect(apiLog.map((line) => line.instance).sort()).toEqual([0, 1]);
    monitorsOf(first.home).forEach((pid) => {
      seenPids.add(pid);
    });

    // Routing works through the new daemon's front door, to the same processes.
    const answered = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${second.proxyPort}/api/`);
      return response.status === 200 ? response.text() : null;
    });
    expect(answered).toMatch(/^ok api\/[01]/);
    await waitFor(() => requests.okSince() > 20, { message: 'the request loop got no answers through the new daemon' });
    await requests.stop();

    // The ticker's lines are all there, in order, once: what it printed while no daemon ran waited in its
    // FIFO, and what the killed daemon had read was already written (each chunk is, as it is read).
    await second.client.call('stop', { service: 'ticker' });
    const ticks = (await second.client.call('logs', { service: 'ticker', lines: 100_000 })).lines
      .filter((line) => line.stream === 'stdout')
      .map((line) => Number(line.line.replace('tick ', '')));
    expect(ticks.length).toBeGreaterThan(50);
    expect(ticks[0]).toBe(0);
    expect(ticks).toEqual(ticks.map((_, index) => index));

    // herve down stops everything, monitors included.
    const monitors = monitorsOf(first.home);
    expect(await second.stop()).toBe(0);
    daemons.splice(daemons.indexOf(second), 1);
    for (const pid of [...kept, newVictimPid, ...monitors]) await assertProcessGone(pid);
    expect(monitorsOf(first.home)).toEqual([]);
  });

  it('re-adopts every instance after a rolling restart left them at other indices than 0…replicas-1', async () => {
    const first = await started();
    await first.client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2 }));
    const rolled = await first.client.call('restart', { service: 'api', rolling: true, wait: true });
    const rolledPids = pidsOf(rolled);
    rolledPids.forEach((pid) => {
      seenPids.add(pid);
    });
    monitorsOf(first.home).forEach((pid) => {
      seenPids.add(pid);
    });
    expect(rolled.instances.map((instance) => instance.index).sort()).not.toEqual([0, 1]);
    await first.kill9();
    daemons.splice(daemons.indexOf(first), 1);

    const second = await started(first.home);
    const back = await waitFor(async () => {
      const current = await second.client.call('get', { service: 'api' });
      return current.instances.every((instance) => instance.ready) ? current : null;
    });
    expect(pidsOf(back).sort()).toEqual([...rolledPids].sort());
    expect(back.instances.map((instance) => instance.index).sort()).toEqual(rolled.instances.map((instance) => instance.index).sort());
    expect(second.output()).not.toContain('not wanted any more');
  });

  it('after a "reboot" (instances and monitors gone, a pid now someone else\'s) herve up starts what was meant to run and touches no stranger', async () => {
    const first = await started();
    const info = await first.client.call('register', fixtureService('api', 'http-ok.mjs', { replicas: 2 }));
    const [oldA, oldB] = firstItems(pidsOf(info), 2);
    const monitors = monitorsOf(first.home);
    [oldA, oldB, ...monitors].forEach((pid) => {
      seenPids.add(pid);
    });
    await first.kill9();
    daemons.splice(daemons.indexOf(first), 1);
    for (const pid of monitors) process.kill(pid, 'SIGKILL');
    for (const pid of [oldA, oldB]) process.kill(-pid, 'SIGKILL');
    for (const pid of [oldA, oldB, ...monitors]) await assertProcessGone(pid);
    // Instance 0's pid and its monitor's now belong to this test process: same number, other start time.
    const db = new Database(first.paths.database);
    db.prepare('UPDATE instances SET pid = ?, pgid = ?, monitor_pid = ? WHERE idx = 0').run(process.pid, process.pid, process.pid);
    db.close();

    const second = await started(first.home);
    const back = await waitFor(async () => {
      const current = await second.client.call('get', { service: 'api' });
      return current.status === 'running' && current.instances.every((instance) => instance.pid !== null) ? current : null;
    });
    pidsOf(back).forEach((pid) => {
      seenPids.add(pid);
    });
    monitorsOf(first.home).forEach((pid) => {
      seenPids.add(pid);
    });
    expect(pidsOf(back)).not.toContain(process.pid);
    expect(pidsOf(back).some((pid) => pid === oldA || pid === oldB)).toBe(false);
    expect(second.output()).not.toContain('reaping pid');
  });

  it('a clean shutdown keeps desired states: the next daemon starts them again', async () => {
    const first = await started();
    const info = await first.client.call('register', fixtureService('keeper', 'http-ok.mjs'));
    pidsOf(info).forEach((pid) => {
      seenPids.add(pid);
    });
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
    pidsOf(back).forEach((pid) => {
      seenPids.add(pid);
    });
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} on the daemon stops every service gracefully and exits 0`, async () => {
      const daemon = await started();
      const info = await daemon.client.call('register', fixtureService('calm', 'http-ok.mjs'));
      pidsOf(info).forEach((pid) => {
        seenPids.add(pid);
      });
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
    const second = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], {
      env: { ...process.env, HERVE_HOME: daemon.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    const second = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], {
      env: { ...process.env, HERVE_HOME: daemon.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
