import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMonitoredSupervisor, type ProcessHandle } from '../../daemon/supervisor/index.js';
import { readProcessStartTime } from '../../platform/proc.js';
import { MONITOR_NAME, MONITOR_SCRIPT } from '../../daemon/supervisor/monitor-script.js';
import { assertProcessGone, waitFor } from '../helpers/daemon.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const runDir = join(mkdtempSync('/tmp/hv-mon-'), 'run');
const supervisor = createMonitoredSupervisor(runDir);
const handles: ProcessHandle[] = [];

afterEach(async () => {
  for (const handle of handles.splice(0)) {
    await supervisor.stop(handle, 100);
    for (const pid of [handle.pid, handle.monitor?.pid]) if (pid !== undefined) await assertProcessGone(pid);
  }
});

async function run(args: string[], env: Record<string, string> = {}): Promise<ProcessHandle> {
  const handle = await supervisor.spawn({ command: process.execPath, args, env });
  handles.push(handle);
  return handle;
}

/** A monitor started the way the daemon starts one, then left without a daemon (as after a kill -9). */
async function orphanedMonitor(script: string) {
  const monitor = spawn('/bin/sh', ['-c', MONITOR_SCRIPT, MONITOR_NAME, runDir, process.execPath, '-e', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve) => monitor.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  monitor.stdout.destroy();
  monitor.unref();
  const pid = Number(/^pid (\d+)/.exec(line)![1]);
  return {
    pid,
    pgid: pid,
    startTime: readProcessStartTime(pid)!,
    monitor: { pid: monitor.pid!, startTime: readProcessStartTime(monitor.pid!)! },
  };
}

function collect(handle: ProcessHandle): string[] {
  const output: string[] = [];
  handle.onOutput((stream, chunk) => void output.push(`${stream}:${chunk.toString().trim()}`));
  return output;
}

describe('monitored supervisor', () => {
  it('runs the service under a monitor, in its own group, and reports its output and real exit code', async () => {
    const handle = await run(['-e', "console.log(process.env.GREETING); console.error('oops'); setTimeout(() => process.exit(3), 100)"], { GREETING: 'hello' });
    const output = collect(handle);
    expect(handle.pid).toBeGreaterThan(0);
    expect(handle.pgid).toBe(handle.pid);
    expect(handle.monitor?.pid).not.toBe(handle.pid);
    expect(await handle.exited).toEqual({ code: 3, signal: null });
    expect(output.sort()).toEqual(['stderr:oops', 'stdout:hello']);
    // Its FIFOs and exit file are removed once the exit is reported.
    expect(readdirSync(runDir)).toEqual([]);
  });

  it("SIGTERM reaches the service, not the monitor, and the exit recorded is the service's own", async () => {
    const handle = await run(['-e', "process.on('SIGTERM', () => process.exit(7)); console.log('armed'); setInterval(() => {}, 1000)"]);
    const output = collect(handle);
    await waitFor(() => output.join('').includes('armed'));
    expect(supervisor.signal(handle, 'SIGTERM')).toBe(true);
    expect(await handle.exited).toEqual({ code: 7, signal: null });
  });

  it('stop SIGKILLs the group after the grace period, and the monitor records the signal', async () => {
    const handle = await run([join(FIXTURES_DIR, 'ignore-sigterm.mjs')], { PORT: '0' });
    const output = collect(handle);
    await waitFor(() => output.join('').includes('listening'));
    expect((await supervisor.stop(handle, 200)).signal).toBe('SIGKILL');
  });

  it('a command that does not exist is a spawn error naming ENOENT', async () => {
    const handle = await supervisor.spawn({ command: '/nonexistent/herve-nothing', args: [], env: {} });
    expect(handle.pid).toBeUndefined();
    expect((await handle.exited).spawnError).toMatch(/ENOENT/);
  });

  it('a new daemon adopts a running instance by pid and start time, and one that ended meanwhile by its exit file', async () => {
    const running = await orphanedMonitor("setInterval(() => console.log('still here'), 20)");
    const ended = await orphanedMonitor('setInterval(() => {}, 1000)');
    process.kill(ended.pid, 'SIGKILL');
    await assertProcessGone(ended.monitor.pid);
    const successor = createMonitoredSupervisor(runDir);

    // A monitor pid now held by another process (this one: same number, other start time): nothing to adopt.
    expect(successor.adopt!({ pid: process.pid, pgid: process.pid, startTime: '1', monitor: { pid: process.pid, startTime: '1' } })).toBeNull();
    const adopted = successor.adopt!(running)!;
    expect(adopted.endedMeanwhile).toBe(false);
    expect(adopted.handle.pid).toBe(running.pid);
    const output = collect(adopted.handle);
    await waitFor(() => output.some((line) => line.includes('still here')));
    expect(successor.signal(adopted.handle, 'SIGTERM')).toBe(true);
    expect(await adopted.handle.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await assertProcessGone(running.monitor.pid);

    const found = successor.adopt!(ended)!;
    expect(found.endedMeanwhile).toBe(true);
    expect(await found.handle.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readdirSync(runDir)).toEqual([]);
  });
});

process.on('exit', () => rmSync(join(runDir, '..'), { recursive: true, force: true }));
