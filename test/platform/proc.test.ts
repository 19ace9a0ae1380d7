import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { isProcessRunning, listPids, readProcStat } from '../../platform/proc.js';
import { assertProcessGone, waitFor } from '../helpers/daemon.js';

describe('isProcessRunning', () => {
  it('is true for a running process and false for one that exited, even while it is an unreaped zombie', async () => {
    // The shell starts a short child, prints its pid, then becomes `sleep`, which never reaps it.
    const parent = execa('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { reject: false });
    let childPid = 0;
    try {
      childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      expect(isProcessRunning(parent.pid!)).toBe(true);
      await waitFor(() => !isProcessRunning(childPid), { message: 'the short child to exit' });
      // Still there for kill(0), as a zombie: the case `herve down` must not wait on.
      expect(() => process.kill(childPid, 0)).not.toThrow();
    } finally {
      parent.kill('SIGKILL');
      await parent;
    }
    await assertProcessGone(parent.pid!);
    // Orphaned, the zombie goes to init, which reaps it.
    await assertProcessGone(childPid, 10_000);
  });

  it('is false for a pid nobody has', () => {
    expect(isProcessRunning(2 ** 22 + 12345)).toBe(false);
  });
});

describe('readProcStat', () => {
  it('reads the fields after a command name that holds spaces and parentheses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hv-proc-'));
    const program = join(dir, 'a) b (c');
    copyFileSync('/bin/sleep', program);
    chmodSync(program, 0o755);
    const child = execa(program, ['30'], { reject: false });
    try {
      await waitFor(() => readProcStat(child.pid!)?.state === 'S', { timeoutMs: 5_000, message: 'the program to sleep' });
      const stat = readProcStat(child.pid!)!;
      expect(stat.processGroup).toBe(Number(execaSync('ps', ['-o', 'pgid=', '-p', String(child.pid)]).stdout.trim()));
      expect(stat.startTicks).toBeGreaterThan(0);
      expect(stat.rssPages).toBeGreaterThan(0);
      expect(Number.isFinite(stat.cpuTicks)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await child;
      rmSync(dir, { recursive: true, force: true });
    }
    await assertProcessGone(child.pid!);
    expect(readProcStat(child.pid!)).toBeNull();
  });
});

describe('listPids', () => {
  it('lists this process and its parent, and nothing that is not a pid', () => {
    const pids = listPids();
    expect(pids).toContain(process.pid);
    expect(pids).toContain(process.ppid);
    expect(pids?.every((pid) => Number.isInteger(pid) && pid > 0)).toBe(true);
  });
});
