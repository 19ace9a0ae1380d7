import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalSupervisor, type ProcessHandle } from '../../daemon/supervisor/index.js';
import { assertProcessGone, isAlive, waitFor } from '../helpers/daemon.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const supervisor = createLocalSupervisor();
const handles: ProcessHandle[] = [];

afterEach(async () => {
  for (const handle of handles.splice(0)) {
    await supervisor.stop(handle, 100);
    if (handle.pid !== undefined) await assertProcessGone(handle.pid);
  }
});

function run(args: string[], env: Record<string, string> = {}): ProcessHandle {
  const handle = supervisor.spawn({ command: process.execPath, args, env });
  handles.push(handle);
  return handle;
}

describe('local supervisor', () => {
  it('runs a process in its own group with the given env, and reports its output and exit', async () => {
    const handle = run(['-e', "console.log(process.env.GREETING); console.error('oops'); process.exit(3)"], { GREETING: 'hello' });
    expect(handle.pid).toBeGreaterThan(0);
    expect(handle.pgid).toBe(handle.pid);
    const output: string[] = [];
    handle.onOutput((stream, chunk) => {
      output.push(`${stream}:${chunk.toString().trim()}`);
    });
    expect(await handle.exited).toEqual({ code: 3, signal: null });
    expect(output.sort()).toEqual(['stderr:oops', 'stdout:hello']);
  });

  it('stop sends SIGTERM to the group and waits for the exit', async () => {
    const handle = run([join(FIXTURES_DIR, 'http-ok.mjs')], { PORT: '0' });
    // A grace longer than the test's timeout: any exit seen here came from SIGTERM, never from the SIGKILL fallback.
    const exit = await supervisor.stop(handle, 120_000);
    // Exit 0 from its SIGTERM handler, or killed by SIGTERM if it came before the handler was installed.
    expect([JSON.stringify({ code: 0, signal: null }), JSON.stringify({ code: null, signal: 'SIGTERM' })]).toContain(JSON.stringify(exit));
  });

  it('stop SIGKILLs the group after the grace period when SIGTERM is ignored', async () => {
    const handle = run([join(FIXTURES_DIR, 'ignore-sigterm.mjs')], { PORT: '0' });
    const output: string[] = [];
    handle.onOutput((_, chunk) => {
      output.push(chunk.toString());
    });
    // Its SIGTERM handler is installed before it listens.
    await waitFor(() => output.join('').includes('listening'));
    const started = Date.now();
    const exit = await supervisor.stop(handle, 200);
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(output.join('')).toContain('got SIGTERM, ignoring it');
  });

  it('a command that does not exist is an exit with a spawn error, not a throw', async () => {
    const handle = supervisor.spawn({ command: '/nonexistent/herve-nothing', args: [], env: {} });
    expect(handle.pid).toBeUndefined();
    const exit = await handle.exited;
    expect(exit.code).toBeNull();
    expect(exit.spawnError).toMatch(/ENOENT/);
    expect(supervisor.signal(handle, 'SIGTERM')).toBe(false);
  });

  it('signal reaches the whole group: the process and the child it spawned', async () => {
    const handle = run([join(FIXTURES_DIR, 'spawn-grandchild.mjs')], { PORT: '0' });
    const output: string[] = [];
    handle.onOutput((_, chunk) => {
      output.push(chunk.toString());
    });
    const grandchild = Number((await waitFor(() => /grandchild (\d+)/.exec(output.join('')), { message: 'the grandchild pid' }))[1]);
    expect(isAlive(grandchild)).toBe(true);
    // SIGUSR2 kills both (neither handles it); were it sent to the parent alone, the grandchild would live on.
    expect(supervisor.signal(handle, 'SIGUSR2')).toBe(true);
    expect(await handle.exited).toEqual({ code: null, signal: 'SIGUSR2' });
    await assertProcessGone(grandchild);
  });
});
