import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SocketDaemonClient } from '../../cli/client/index.js';
import { cleanUpAfterEach, DAEMON_ENTRY, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { openFdCount } from '../helpers/process-resources.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

/** A `command` service running `node -e program`, without a health probe. */
function nodeService(name: string, program: string, env: Record<string, string> = {}) {
  return { type: 'command', name, command: process.execPath, args: ['-e', program], env, health: { path: null }, restart: { policy: 'never' as const } };
}

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** uid and gid of `nobody`: another user than the one running the tests (root here). */
const NOBODY = 65534;

describe('the daemon under hostile or careless input', () => {
  it("gives services the user environment without Herve's own secrets and settings", async () => {
    const secret = 'admin-secret-never-in-a-service';
    daemon = await startDaemon({
      env: { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: secret, HERVE_UPSTREAM_TIMEOUT_MS: '30000', USER_THING: 'kept' },
    });
    const program = "console.log('ENV ' + JSON.stringify(process.env)); setInterval(() => {}, 1000)";
    const info = await daemon.client.call('register', nodeService('printenv', program, { MODE: 'dev' }));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const line = await waitFor(async () => (await daemon!.client.call('logs', { service: 'printenv', lines: 50, grep: '^ENV ' })).lines[0]);
    const env = JSON.parse(line.line.slice(4)) as Record<string, string>;
    expect(line.line).not.toContain(secret);
    expect(Object.keys(env).filter((name) => name.startsWith('AUTH_ADMIN') || name === 'HERVE_HOME' || name === 'HERVE_UPSTREAM_TIMEOUT_MS')).toEqual([]);
    expect(env).toMatchObject({ USER_THING: 'kept', MODE: 'dev', HERVE_SERVICE: 'printenv', HERVE_INSTANCE: '0', PORT: expect.stringMatching(/^\d+$/) });
    expect(env.PATH).toBe(process.env.PATH);
  });

  it("closes an unregistered service's log file: fds do not grow over register/unregister cycles", async () => {
    daemon = await startDaemon();
    const cycle = async (name: string) => {
      await daemon!.client.call('register', { type: 'echo', name, start: false });
      await daemon!.client.call('unregister', { service: name });
    };
    await cycle('warm-up');
    const before = openFdCount(daemon.pid);
    for (let i = 0; i < 40; i++) await cycle(`cycle-${i}`);
    expect(openFdCount(daemon.pid) - before).toBeLessThan(5);
  });

  it('matches --grep in linear time: a catastrophic pattern returns while the daemon keeps answering', async () => {
    daemon = await startDaemon();
    const program = "console.log('a'.repeat(40) + '!'); setInterval(() => {}, 1000)";
    const info = await daemon.client.call('register', nodeService('letters', program));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    await waitFor(async () => (await daemon!.client.call('logs', { service: 'letters', lines: 5, grep: '!$' })).lines.length === 1);
    const other = await daemon.connect();
    const grep = daemon.client.call('logs', { service: 'letters', lines: 10, grep: '^(a+)+$' });
    let pings = 0;
    // With a backtracking engine the daemon is frozen here for longer than the age of the universe.
    await waitFor(async () => (await other.call('ping')).pong && ++pings >= 3, { timeoutMs: 15_000, message: 'the daemon stopped answering' });
    expect((await grep).lines).toEqual([]);
    expect((await daemon.client.call('logs', { service: 'letters', lines: 10, grep: '^a+!$' })).lines).toHaveLength(1);
  });

  it('refuses a --grep pattern RE2 cannot run, saying why', async () => {
    daemon = await startDaemon();
    await expect(daemon.client.call('logs', { lines: 10, grep: '(a)\\1' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('invalid escape'),
    });
    await expect(daemon.client.call('logs', { lines: 10, grep: 'a(?=b)' })).rejects.toMatchObject({ hint: expect.stringContaining('lookaround') });
  });

  it('tightens a loose HERVE_HOME to 0700 and its files to 0600', async () => {
    const home = mkdtempSync('/tmp/hv-');
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'logs'), { mode: 0o755 });
    writeFileSync(join(home, 'logs', 'old.log'), 'secret line\n', { mode: 0o644 });
    writeFileSync(join(home, 'daemon.log'), '', { mode: 0o644 });
    daemon = await startDaemon({ home });
    await daemon.client.call('register', { type: 'echo', name: 'quiet', start: false, env: { TOKEN: 'x' } });
    expect(mode(home)).toBe('700');
    expect(mode(join(home, 'logs'))).toBe('700');
    for (const file of ['state.db', 'state.db-wal', 'state.db-shm', 'herve.pid', 'herve.sock', 'daemon.log', 'logs/old.log', 'logs/quiet.log']) {
      expect([file, mode(join(home, file))]).toEqual([file, '600']);
    }
  });

  it('refuses to start in a home owned by another user or writable by others, saying how to fix it', async () => {
    const cases: [string, (home: string) => void, string][] = [
      ['owned by nobody', (home) => chownSync(home, NOBODY, NOBODY), 'owned by another user'],
      ['mode 777', (home) => chmodSync(home, 0o777), 'writable by group or others'],
      [
        'a socket owned by nobody',
        (home) => {
          writeFileSync(join(home, 'herve.sock'), '');
          chownSync(join(home, 'herve.sock'), NOBODY, NOBODY);
        },
        'herve.sock is owned by another user',
      ],
    ];
    for (const [what, spoil, message] of cases) {
      const home = mkdtempSync('/tmp/hv-');
      spoil(home);
      try {
        await expect(startDaemon({ home, timeoutMs: 10_000 }), what).rejects.toThrow(message);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  });

  it("names the process holding the front door's port when it is taken", async () => {
    const holder = spawn(process.execPath, ['-e', "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port))"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    seenPids.add(holder.pid!);
    try {
      const port = await new Promise<string>((resolve) => holder.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
      await expect(startDaemon({ args: ['--port', port], timeoutMs: 10_000 })).rejects.toThrow(
        new RegExp(`port ${port} is already in use by pid ${holder.pid} \\(.*node -e`),
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('keeps running when the pipe its output goes to is closed (a foreground daemon whose reader went away)', async () => {
    const home = mkdtempSync('/tmp/hv-');
    const child = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], { env: { ...process.env, HERVE_HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    seenPids.add(child.pid!);
    try {
      const client = await waitFor(() => SocketDaemonClient.connect(join(home, 'herve.sock'), 'herve-test').catch(() => null), { timeoutMs: 45_000 });
      child.stdout.destroy();
      // Each of these makes the daemon log a line to the closed pipe.
      for (let i = 0; i < 3; i++) {
        const info = await client.call('register', { type: 'echo', name: `after-close-${i}` });
        for (const instance of info.instances) if (instance.pid) seenPids.add(instance.pid);
        await client.call('unregister', { service: `after-close-${i}` });
      }
      expect((await client.call('ping')).pong).toBe(true);
      expect(child.exitCode).toBeNull();
      await client.call('shutdown');
      client.close();
      await waitFor(() => child.exitCode !== null, { message: 'the daemon to exit after shutdown' });
      expect(child.exitCode).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
