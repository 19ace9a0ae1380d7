import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../daemon/orchestrator/restart-policy.js';
import { RestartSpec } from '../../protocol/index.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

async function systemLines(daemon: TestDaemon, name: string): Promise<string[]> {
  const { lines } = await daemon.client.call('logs', { service: name, lines: 500 });
  return lines.filter((line) => line.stream === 'system').map((line) => line.line);
}

// The README's defaults, each seen doing what it says on a service registered without a restart spec.
describe('default limits', () => {
  it('registers with 100 ms backoff doubling to a 30 s cap, 5 crashes in 60 s, a 5 s grace', async () => {
    const defaults = RestartSpec.parse({});
    expect(defaults).toEqual({
      policy: 'always',
      backoffInitialMs: 100,
      backoffMaxMs: 30_000,
      crashLoopLimit: 5,
      crashLoopWindowMs: 60_000,
      stopGraceMs: 5_000,
    });
    expect([1, 2, 3, 4, 5, 9, 10, 50].map((attempt) => backoffDelay(attempt, defaults))).toEqual([100, 200, 400, 800, 1600, 25_600, 30_000, 30_000]);
    const daemon = await startDaemon();
    const info = await daemon.client.call('register', { type: 'echo', start: false });
    expect(info.restart).toEqual(defaults);
  });

  it('marks a service crashed after its 5th quick exit, and SIGKILLs one that ignores SIGTERM after the 5 s grace', async () => {
    const daemon = await startDaemon();
    await daemon.client.call('register', { ...fixtureService('flaky', 'crash-after.mjs', { env: { CRASH_AFTER_MS: '50' } }), start: false });
    const stubborn = await daemon.client.call('register', fixtureService('stubborn', 'ignore-sigterm.mjs'));
    stubborn.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });

    // Both at once: the grace runs its 5 s while the crash loop plays out.
    const stopAsked = Date.now();
    const stopping = daemon.client.call('stop', { service: 'stubborn' });
    await daemon.client.call('start', { service: 'flaky', wait: false });
    const crashed = await waitFor(
      async () => {
        const current = await daemon.client.call('get', { service: 'flaky' });
        return current.status === 'crashed' ? current : null;
      },
      { timeoutMs: 30_000, message: 'flaky crashed' },
    );
    expect(crashed.instances[0]).toMatchObject({ restarts: 4, pid: null });
    const flakyLines = await systemLines(daemon, 'flaky');
    expect(flakyLines.filter((line) => line.startsWith('restarting in'))).toEqual([
      'restarting in 100 ms',
      'restarting in 200 ms',
      'restarting in 400 ms',
      'restarting in 800 ms',
    ]);
    expect(flakyLines).toContain('crash loop: 5 exits within 60 s — not restarting until: herve start flaky');

    const stopped = await stopping;
    expect(itemAt(stopped.instances, 0).lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    // A lower bound only (a slow machine only adds to it): the SIGKILL waited for the whole grace.
    expect(itemAt(stopped.instances, 0).lastExit!.at - stopAsked).toBeGreaterThanOrEqual(5_000 - 50);
    expect((await daemon.client.call('logs', { service: 'stubborn', lines: 50 })).lines.map((line) => line.line)).toContain(
      'ignore-sigterm: got SIGTERM, ignoring it',
    );
  });

  it('does not take repeated kills by hand after stable runs for a crash loop', async () => {
    const daemon = await startDaemon();
    // A limit of 2 so that three kills would be a loop, were they counted.
    const first = await daemon.client.call('register', { type: 'echo', name: 'steady', restart: { crashLoopLimit: 2 } });
    let pid = itemAt(first.instances, 0).pid!;
    for (let kill = 1; kill <= 3; kill++) {
      // Stable means ready for 1 s or more: a fact about time the behaviour is defined by, so wait it out.
      await new Promise((done) => setTimeout(done, 1200));
      seenPids.add(pid);
      process.kill(pid, 'SIGKILL');
      const back = await waitFor(
        async () => {
          const current = await daemon.client.call('get', { service: 'steady' });
          return current.status === 'running' && itemAt(current.instances, 0).ready && itemAt(current.instances, 0).pid !== pid ? current : null;
        },
        { timeoutMs: 20_000, message: `steady back after kill ${kill}` },
      );
      expect(back.restarts).toBe(kill);
      pid = itemAt(back.instances, 0).pid!;
    }
    seenPids.add(pid);
    const lines = await systemLines(daemon, 'steady');
    expect(lines.filter((line) => line.startsWith('restarting'))).toEqual(['restarting now', 'restarting now', 'restarting now']);
    expect(lines.some((line) => line.startsWith('crash loop'))).toBe(false);
  });
});
