import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessSampler } from '../../daemon/stats/process-sampler.js';
import { waitFor } from '../helpers/poll.js';

const started: ChildProcess[] = [];

function startChild(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  started.push(child);
  return child;
}

function startNode(script: string): ChildProcess {
  return startChild(process.execPath, ['-e', script]);
}

/** A negative pid asks about a whole process group. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    // Each child leads its own group: the group kill takes any grandchild with it.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitFor(() => (isAlive(-child.pid!) ? undefined : true), { message: `process group ${child.pid} to die` });
  }
});

const ALLOCATE_100MB = 'const b=Buffer.alloc(100*1024*1024,1);setInterval(()=>b[0]++,1000)';

describe('process sampler', () => {
  it('reports CPU for a busy process (at most one core) and next to nothing for an idle one', async () => {
    const busy = startNode('for(;;){}');
    const idle = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000);setTimeout(()=>console.log("ready"),300)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    started.push(idle);
    // Node's own start-up costs CPU: measure the idle child only once it has settled.
    await new Promise((resolve) => idle.stdout!.once('data', resolve));
    const sample = createProcessSampler();
    sample([busy.pid!, idle.pid!]);
    let sampledAt = Date.now();
    // Other tests share the two cores, so the busy child's share can be small: compare the two, over
    // an interval of 500 ms at least, rather than expecting a whole core.
    const last = await waitFor(
      () => {
        if (Date.now() - sampledAt < 500) return undefined;
        sampledAt = Date.now();
        const usage = sample([busy.pid!, idle.pid!]);
        return (usage.get(busy.pid!)?.cpuPercent ?? 0) > 5 ? usage : undefined;
      },
      { message: 'the busy child to show CPU', timeoutMs: 30_000 },
    );
    const busyPercent = last.get(busy.pid!)!.cpuPercent;
    // One thread cannot use more than one core; the margin covers the sampling interval's edges.
    expect(busyPercent).toBeLessThan(130);
    expect(last.get(idle.pid!)!.cpuPercent).toBeLessThan(busyPercent / 5);
    expect(last.get(idle.pid!)!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('measures resident memory, including what a wrapper shell started', async () => {
    const direct = startNode(ALLOCATE_100MB);
    // `; true` keeps sh from exec-ing node, so node is the shell's child.
    const wrapper = startChild('/bin/sh', ['-c', `"${process.execPath}" -e '${ALLOCATE_100MB}'; true`]);
    const sample = createProcessSampler();
    const withTree = await waitFor(
      () => {
        const usage = sample([direct.pid!, wrapper.pid!]);
        const both = [usage.get(direct.pid!)?.rssBytes ?? 0, usage.get(wrapper.pid!)?.rssBytes ?? 0];
        return both.every((bytes) => bytes > 100 * 1024 * 1024) ? usage : undefined;
      },
      { message: 'both to hold 100 MB' },
    );
    expect(withTree.get(wrapper.pid!)!.rssBytes).toBeLessThan(400 * 1024 * 1024);
    const rootOnly = createProcessSampler({ includeDescendants: false })([wrapper.pid!]);
    expect(rootOnly.get(wrapper.pid!)!.rssBytes).toBeLessThan(20 * 1024 * 1024);
  });

  it("leaves out descendants that lead their own process group, as the daemon's services do", async () => {
    const script = `const c=require('child_process').spawn(process.execPath,['-e',${JSON.stringify(ALLOCATE_100MB)}],{detached:true,stdio:'ignore'});console.log(c.pid);setInterval(()=>{},1000)`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    started.push(parent);
    const grandchildPid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    try {
      const sample = createProcessSampler();
      await waitFor(() => ((sample([grandchildPid]).get(grandchildPid)?.rssBytes ?? 0) > 100 * 1024 * 1024 ? true : undefined), {
        message: 'the child to hold 100 MB',
      });
      expect(sample([parent.pid!]).get(parent.pid!)!.rssBytes).toBeLessThan(80 * 1024 * 1024);
    } finally {
      process.kill(-grandchildPid, 'SIGKILL');
      await waitFor(() => (isAlive(-grandchildPid) ? undefined : true), { message: 'the detached child to die' });
    }
  });

  it('leaves out a pid that is gone', async () => {
    const child = startNode('setInterval(()=>{},1000)');
    const sample = createProcessSampler();
    expect(sample([child.pid!]).has(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => (sample([child.pid!]).has(child.pid!) ? undefined : true), { message: 'the pid to disappear' });
    expect(sample([child.pid!, 999_999_999]).size).toBe(0);
  });
});
