import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/required-tool.js';
import { assertProcessGone, daemonForFile, fixture, herve, herveBin, herveLive, interruptCleanly, isAlive, makeHome, waitFor } from './harness.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

interface Listed {
  services: { name: string; uuid: string; status: string; instances: { pid: number | null; port: number | null }[] }[];
  stats: { services: { name: string }[] } | null;
}

const CLOCK = '\\d{2}:\\d{2}:\\d{2}\\.\\d{3}';

describe('herve with services', () => {
  const home = makeHome();
  /** Every service pid seen, so the end can prove none outlived `herve down`. */
  const seen = new Set<number>();
  const list = async (): Promise<Listed> => {
    const result = await herve(home, ['ls', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Listed;
    for (const service of listed.services) for (const instance of service.instances) if (instance.pid) seen.add(instance.pid);
    return listed;
  };
  const service = async (name: string) => (await list()).services.find((entry) => entry.name === name);
  /** Each test registers the services it uses, under names of its own, so none depends on another's. */
  const register = async (...args: string[]) => {
    const result = await herve(home, ['register', ...args]);
    expect(result.exitCode, result.stderr).toBe(0);
    return result;
  };

  daemonForFile(home, seen);

  it('register echo starts it and shows progress, then ls shows it in an aligned table', async () => {
    const register = await herve(home, ['register', 'echo']);
    expect(register.exitCode, register.stderr).toBe(0);
    expect(register.stderr).toContain('registering and starting echo…');
    expect(register.stdout).toMatch(/✔ echo running (on http:\/\/|on port \d+)/);

    const ls = await herve(home, ['ls']);
    expect(ls.exitCode).toBe(0);
    const [header, row] = firstItems(ls.stdout.split('\n'), 2);
    expect(header).toMatch(/^NAME\s+TYPE\s+STATUS\s+INSTANCES\s+PID\s+PORT\s+UPTIME\s+RESTARTS\s+CPU\s+MEM\s+REQ\/S\s+P99\s+URL$/);
    expect(row).toMatch(/^echo\s+echo\s+● running\s+1\/1\s+\d+\s+\d+\s+\d+s\s+0\s+[\d.]+%\s+[\d.]+[KMG]\s/);
    // Aligned: each header starts where its cells start.
    expect(row.indexOf('● running')).toBe(header.indexOf('STATUS'));
    expect(ls.stdout).not.toContain('\x1b[');
    const status = await herve(home, ['status']);
    expect(itemAt(status.stdout.split('\n'), 0).split(/\s+/)).toEqual(header.split(/\s+/));
  });

  it('colours the table on a terminal, and never with NO_COLOR (the positive control for the pipe above)', async () => {
    requireTool('script', { debianPackage: 'bsdutils' });
    await register('echo', '--name', 'painted');
    const onTerminal = async (env: Record<string, string>): Promise<string> => {
      // script(1) gives `herve ls` a pseudo-terminal, as a person running it has.
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(herveBin)} ls`;
      const { NO_COLOR: _no, FORCE_COLOR: _force, ...inherited } = process.env;
      const result = await execa('script', ['-qec', command, '/dev/null'], {
        env: { ...inherited, HERVE_HOME: home, TERM: 'xterm-256color', ...env },
        extendEnv: false,
        reject: false,
        timeout: 60_000,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/painted\s/);
      return result.stdout;
    };
    expect(await onTerminal({})).toMatch(/\x1b\[[0-9;]*m/);
    expect(await onTerminal({ NO_COLOR: '1' })).not.toContain('\x1b[');
  });

  it('ls --json prints the services and the stats', async () => {
    await register('echo', '--name', 'listed');
    const listed = await list();
    const echo = listed.services.find((entry) => entry.name === 'listed');
    expect(echo).toMatchObject({ status: 'running' });
    expect(echo?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(listed.stats?.services.map((entry) => entry.name)).toContain('listed');
  });

  it('types lists what can be registered, with the options of each', async () => {
    const types = await herve(home, ['types']);
    expect(types.exitCode, types.stderr).toBe(0);
    for (const type of ['echo', 'static', 'sse', 'command']) expect(types.stdout).toMatch(new RegExp(`^${type}\\s+\\S`, 'm'));
    expect(types.stdout).toMatch(/^static\s.*root: /m);
  });

  it('a duplicate name gets the daemon’s error and a hint; an invalid name is refused before sending', async () => {
    await register('echo', '--name', 'dup');
    const duplicate = await herve(home, ['register', 'echo', '--name', 'dup']);
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
    expect(duplicate.stderr).toContain('hint: ');
    const invalid = await herve(home, ['register', 'echo', '--name', 'metrics']);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('reserved');
  });

  it('stop, start and restart by name or uuid report each outcome', async () => {
    await register('echo', '--name', 'cycled');
    const before = await service('cycled');
    const stop = await herve(home, ['stop', 'cycled']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stdout).toContain('✔ cycled stopped');
    expect((await service('cycled'))?.status).toBe('stopped');
    for (const pid of before?.instances.map((instance) => instance.pid) ?? []) if (pid) await assertProcessGone(pid);

    const start = await herve(home, ['start', before!.uuid]);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/✔ cycled running/);

    const pidBefore = itemAt((await service('cycled'))?.instances, 0).pid;
    const restart = await herve(home, ['restart', 'cycled', '--json']);
    expect(restart.exitCode, restart.stderr).toBe(0);
    const restarted = JSON.parse(restart.stdout) as { status: string; instances: { pid: number }[] };
    expect(restarted.status).toBe('running');
    expect(itemAt(restarted.instances, 0).pid).not.toBe(pidBefore);
    seen.add(itemAt(restarted.instances, 0).pid);

    const unknown = await herve(home, ['stop', 'nope']);
    expect(unknown.exitCode).toBe(4);
    expect(unknown.stderr).toContain('nope');
  });

  it('register command --env -- node <fixture> runs it with that env; logs -n, --grep and stderr marks work', async () => {
    await register('echo', '--name', 'neighbour');
    const registered = await register('command', '--name', 'greeter', '--env', 'GREETING=hi', '--', 'node', fixture('greeter.mjs'));
    expect(registered.stdout).toContain('✔ greeter running');
    const greeterPort = itemAt((await service('greeter'))?.instances, 0).port;
    expect(await (await fetch(`http://127.0.0.1:${greeterPort}/`)).text()).toBe('hi from greeter[0]\n');
    await waitFor(async () => (await herve(home, ['logs', 'greeter'])).stdout.includes('greeter says this on stderr'), {
      message: 'greeter stderr in its log',
    });

    const logs = await herve(home, ['logs', 'greeter', '-n', '50']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(new RegExp(`^${CLOCK} greeter\\[0\\]   greeter listening on \\d+$`, 'm'));
    expect(logs.stdout).toMatch(new RegExp(`^${CLOCK} greeter\\[0\\] ! greeter says this on stderr$`, 'm'));

    const last = await herve(home, ['logs', 'greeter', '-n', '1']);
    expect(last.stdout.trim().split('\n')).toHaveLength(1);
    const byUuid = await herve(home, ['logs', (await service('greeter'))!.uuid, '-n', '1']);
    expect(byUuid.stdout).toBe(last.stdout);

    const grep = await herve(home, ['logs', '--grep', 'listening on']);
    const lines = grep.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/listening on/);
    expect(lines.some((line) => / greeter\[0\] /.test(line))).toBe(true);
    expect(lines.some((line) => / neighbour\[0\] /.test(line))).toBe(true);
  });

  it('logs -f prints new lines as they come and ends cleanly on Ctrl-C', async () => {
    await register('command', '--name', 'follower', '--', 'node', fixture('greeter.mjs'));
    const port = itemAt((await service('follower'))?.instances, 0).port;
    const follow = herveLive(home, ['logs', 'follower', '-f', '-n', '0']);
    let output = '';
    follow.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Until the subscription is in place a request may be missed; keep asking until one shows.
      await waitFor(
        async () => {
          await fetch(`http://127.0.0.1:${port}/followed`).then((response) => response.text());
          return output.includes('greeting GET /followed');
        },
        { timeoutMs: 10_000, message: 'the followed line' },
      );
      expect(output).toMatch(new RegExp(`^${CLOCK} follower\\[0\\]   greeting GET /followed$`, 'm'));
      await interruptCleanly(follow);
    } finally {
      follow.kill('SIGKILL');
    }
  });

  it('register --no-start only records; start --no-wait returns before it is ready; register --json prints the service', async () => {
    const recorded = await herve(home, ['register', 'echo', '--name', 'later', '--no-start']);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain('later registered (not started) — start it with: herve start later');
    expect((await service('later'))?.status).toBe('stopped');

    const started = await herve(home, ['start', 'later', '--no-wait', '--json']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(['starting', 'running']).toContain((JSON.parse(started.stdout) as { status: string }).status);
    await waitFor(async () => (await service('later'))?.status === 'running', { message: 'later to run' });

    const json = await herve(home, ['register', 'echo', '--name', 'twin', '--replicas', '2', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    const twin = JSON.parse(json.stdout) as { name: string; status: string; instances: { pid: number }[] };
    expect(twin).toMatchObject({ name: 'twin', status: 'running' });
    expect(twin.instances).toHaveLength(2);
    for (const instance of twin.instances) seen.add(instance.pid);
    const row = (await herve(home, ['ls'])).stdout.split('\n').find((line) => line.startsWith('twin '));
    expect(row).toMatch(/● running\s+2\/2\s+\d+,\d+\s+\d+,\d+\s/);
  });

  it('unregister stops and forgets a service', async () => {
    await register('echo', '--name', 'doomed');
    const pids = (await service('doomed'))?.instances.map((instance) => instance.pid) ?? [];
    expect(pids.every((pid) => pid !== null && isAlive(pid))).toBe(true);
    const result = await herve(home, ['unregister', 'doomed']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('✔ doomed unregistered');
    expect(await service('doomed')).toBeUndefined();
    for (const pid of pids) if (pid) await assertProcessGone(pid);
  });
});
