import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertProcessGone, ensureBuilt, herve, herveLive, isAlive, knownPids, makeHome, repoRoot, stopAndProve, waitFor } from './harness.js';
import { itemAt } from '../helpers/item-at.js';

function daemonPid(upOutput: string): number {
  const match = /pid\s+(\d+)/.exec(upOutput);
  if (!match) throw new Error(`no pid in: ${upOutput}`);
  return Number(match[1]);
}

describe('herve up / down', () => {
  let home = '';
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    if (home) await stopAndProve(home);
    home = '';
  });

  it('up starts a detached daemon and says where everything is; a second up says it already runs', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    const pid = daemonPid(up.stdout);
    expect(isAlive(pid)).toBe(true);
    for (const shown of [`HERVE_HOME  ${home}`, join(home, 'herve.sock'), join(home, 'logs')]) expect(up.stdout).toContain(shown);
    expect(statSync(join(home, 'herve.sock')).isSocket()).toBe(true);

    const again = await herve(home, ['up', '--port', '0']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`herve is already running (pid ${pid})`);
  });

  it('down stops the daemon, removes its socket, and a later command says it is not running', async () => {
    home = makeHome();
    const pid = daemonPid((await herve(home, ['up', '--port', '0'])).stdout);
    const down = await herve(home, ['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toContain(`herve stopped (pid ${pid})`);
    await assertProcessGone(pid);
    expect(existsSync(join(home, 'herve.sock'))).toBe(false);
    const ls = await herve(home, ['ls']);
    expect(ls.exitCode).toBe(3);
    expect(ls.stderr).toContain('herve daemon is not running — start it with: herve up');
  });

  it('a daemon killed with -9 leaves a stale socket and pid file that the next up replaces', async () => {
    home = makeHome();
    const first = daemonPid((await herve(home, ['up', '--port', '0'])).stdout);
    process.kill(first, 'SIGKILL');
    await assertProcessGone(first);
    expect(existsSync(join(home, 'herve.sock'))).toBe(true);
    expect(readFileSync(join(home, 'herve.pid'), 'utf8').trim()).toBe(String(first));

    const stale = await herve(home, ['ls']);
    expect(stale.exitCode).toBe(3);
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    const second = daemonPid(up.stdout);
    expect(second).not.toBe(first);
    expect(readFileSync(join(home, 'herve.pid'), 'utf8').trim()).toBe(String(second));
    expect((await herve(home, ['ls'])).exitCode).toBe(0);
  });

  it('up --foreground runs the daemon until Ctrl-C, which stops its services and exits 0', async () => {
    const foregroundHome = makeHome();
    // Its own process group, like a shell job: Ctrl-C in a terminal signals the whole group.
    const foreground = herveLive(foregroundHome, ['up', '--foreground', '--port', '0'], { detached: true });
    try {
      await waitFor(async () => (await herve(foregroundHome, ['ls', '--json'])).exitCode === 0, {
        timeoutMs: 15_000,
        message: 'foreground daemon to answer',
      });
      const register = await herve(foregroundHome, ['register', 'echo']);
      expect(register.exitCode, register.stderr).toBe(0);
      const servicePid = itemAt(await knownPids(foregroundHome), 0);
      const pid = Number(readFileSync(join(foregroundHome, 'herve.pid'), 'utf8'));
      process.kill(-foreground.pid!, 'SIGINT');
      const result = await foreground;
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.stdout).toContain('services stopped');
      await assertProcessGone(pid);
      await assertProcessGone(servicePid);
      expect(existsSync(join(foregroundHome, 'herve.sock'))).toBe(false);
    } finally {
      foreground.kill('SIGKILL');
      rmSync(foregroundHome, { recursive: true, force: true });
    }
  });

  it('a daemon that dies while starting is reported with the end of daemon.log, non-zero', async () => {
    const brokenHome = makeHome();
    try {
      // The registry cannot open a database where a directory sits.
      mkdirSync(join(brokenHome, 'state.db'));
      const up = await herve(brokenHome, ['up', '--port', '0']);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toMatch(/herve daemon exited \(code \d+\) before it answered/);
      expect(up.stderr).toContain(`last lines of ${join(brokenHome, 'daemon.log')}`);
      expect(up.stderr).toContain(`hint: see the whole log: ${join(brokenHome, 'daemon.log')}`);
      const pid = Number(/starting herve daemon \(pid (\d+)\)/.exec(up.stderr)?.[1]);
      expect(pid).toBeGreaterThan(0);
      await assertProcessGone(pid);
    } finally {
      rmSync(brokenHome, { recursive: true, force: true });
    }
  });

  it('two herve up at once end with one daemon, both reporting its pid', async () => {
    home = makeHome();
    const [first, second] = await Promise.all([herve(home, ['up', '--port', '0']), herve(home, ['up', '--port', '0'])]);
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    const pids = [first, second].map((result) => Number(/(?:pid\s+|\(pid )(\d+)/.exec(result.stdout)?.[1]));
    const running = Number(readFileSync(join(home, 'herve.pid'), 'utf8'));
    expect(pids).toEqual([running, running]);
    for (const result of [first, second]) {
      const spawned = Number(/starting herve daemon \(pid (\d+)\)/.exec(result.stderr)?.[1]);
      if (spawned && spawned !== running) await assertProcessGone(spawned);
    }
  });

  it('herve up waits for a daemon still starting under the start lock instead of failing when its own daemon gives way', async () => {
    home = makeHome();
    // A daemon that holds the start lock and needs a while before it answers, as one started by
    // another `herve up` a moment earlier does on a busy machine: its command line names daemon/main.
    const slowEntry = join(home, 'slow', 'daemon', 'main.mjs');
    mkdirSync(dirname(slowEntry), { recursive: true });
    writeFileSync(
      slowEntry,
      [
        `import { writeFileSync } from 'node:fs';`,
        `writeFileSync(${JSON.stringify(join(home, 'herve.lock'))}, String(process.pid));`,
        `setTimeout(() => import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/daemon/main.js')).href)}), 1500);`,
      ].join('\n'),
    );
    const slow = execa(process.execPath, [slowEntry, '--port', '0'], {
      env: { HERVE_HOME: home },
      detached: true,
      stdio: 'ignore',
      reject: false,
    });
    try {
      await waitFor(() => existsSync(join(home, 'herve.lock')), { message: 'the slow daemon to take the start lock' });
      const up = await herve(home, ['up', '--port', '0']);
      expect(up.exitCode, up.stderr).toBe(0);
      expect(daemonPid(up.stdout)).toBe(slow.pid);
      const spawned = Number(/starting herve daemon \(pid (\d+)\)/.exec(up.stderr)?.[1]);
      expect(spawned).toBeGreaterThan(0);
      expect(spawned).not.toBe(slow.pid);
      await assertProcessGone(spawned);
    } finally {
      // Down reaches the slow daemon only once it answers.
      await waitFor(async () => slow.exitCode !== null || (await herve(home, ['status'])).exitCode === 0, { message: 'the slow daemon to answer' });
      await stopAndProve(home, slow.pid === undefined ? [] : [slow.pid]);
      home = '';
    }
  });

  it('logs -f ends with a clear message when the daemon stops under it', async () => {
    home = makeHome();
    expect((await herve(home, ['up', '--port', '0'])).exitCode).toBe(0);
    expect((await herve(home, ['register', 'echo'])).exitCode).toBe(0);
    const follow = herveLive(home, ['logs', '-f', '-n', '1']);
    try {
      let stdout = '';
      let stderr = '';
      follow.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      follow.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // History is printed once the subscription is in place.
      await waitFor(() => stdout.includes('echo'), { message: 'logs -f to print its history' });
      const pids = await knownPids(home);
      expect((await herve(home, ['down'])).exitCode).toBe(0);
      const result = await follow;
      expect(result.exitCode).toBe(1);
      for (const pid of pids) await assertProcessGone(pid);
      expect(stderr).toContain('the herve daemon stopped; no more logs to follow');
    } finally {
      follow.kill('SIGKILL');
    }
  });
});
