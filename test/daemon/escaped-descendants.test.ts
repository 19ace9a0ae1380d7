import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertProcessGone, cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

/** Session id of a process (field 6 of /proc/<pid>/stat). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** Registers the fixture whose grandchild calls setsid and ignores SIGTERM; returns both pids. */
async function familyWithRunaway(name = 'runaway'): Promise<{ child: number; grandchild: number }> {
  const spec = fixtureService(name, 'spawn-grandchild.mjs', { restart: { stopGraceMs: 300 } });
  const info = await daemon!.client.call('register', { ...spec, args: [...(spec.args ?? []), 'setsid'] });
  const child = itemAt(info.instances, 0).pid!;
  const lines = await waitFor(async () => {
    const { lines } = await daemon!.client.call('logs', { service: name, lines: 50, grep: '^grandchild' });
    return lines.length > 0 ? lines : null;
  });
  const grandchild = Number(itemAt(lines, 0).line.split(' ')[1]);
  seenPids.add(child);
  seenPids.add(grandchild);
  // It really left: its own session, not the instance's process group.
  expect(sessionOf(grandchild)).toBe(grandchild);
  return { child, grandchild };
}

describe('descendants that leave the process group', () => {
  it('are stopped with their instance by herve stop', async () => {
    daemon = await startDaemon();
    const { child, grandchild } = await familyWithRunaway();
    await daemon.client.call('stop', { service: 'runaway' });
    await assertProcessGone(child);
    await assertProcessGone(grandchild);
  });

  it('are stopped when the daemon is killed with SIGTERM', async () => {
    daemon = await startDaemon();
    const { grandchild } = await familyWithRunaway();
    process.kill(daemon.pid, 'SIGTERM');
    await waitFor(() => daemon!.exited, { timeoutMs: 20_000, message: 'daemon did not exit' });
    await assertProcessGone(grandchild);
  });

  it('are stopped for every instance when the daemon stops them all at once', async () => {
    daemon = await startDaemon();
    const families = [];
    for (const name of ['runaway-a', 'runaway-b', 'runaway-c']) families.push(await familyWithRunaway(name));
    process.kill(daemon.pid, 'SIGTERM');
    await waitFor(() => daemon!.exited, { timeoutMs: 20_000, message: 'daemon did not exit' });
    for (const { child, grandchild } of families) {
      await assertProcessGone(child);
      await assertProcessGone(grandchild);
    }
  });
});
