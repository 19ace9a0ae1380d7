import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { itemAt } from '../helpers/item-at.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

const WORKERS = 6;
const KILLS = 3;
const KILL_EVERY_MS = 2000;

interface Tally {
  ok: number;
  failed: number[];
  wrongBody: number;
}

/** Requests through the front door until stopped: GET, or POST with a body the echo must send back whole. */
function load(daemon: TestDaemon, method: 'GET' | 'POST') {
  const tally: Tally = { ok: 0, failed: [], wrongBody: 0 };
  let running = true;
  const worker = async (id: number) => {
    for (let n = 0; running; n++) {
      const body = method === 'POST' ? `${id}-${n}-${'b'.repeat(2048)}` : undefined;
      const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/echo/chaos`, { method, body }).catch(() => null);
      if (response?.status !== 200) {
        tally.failed.push(response?.status ?? 0);
        await response?.arrayBuffer();
        continue;
      }
      const echoed = (await response.json()) as { body: string };
      if (method === 'POST' && echoed.body !== body) tally.wrongBody++;
      tally.ok++;
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, id) => worker(id));
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(workers);
      return tally;
    },
  };
}

/** SIGKILL one echo replica every KILL_EVERY_MS, KILLS times, each a different one in turn. */
async function killReplicas(daemon: TestDaemon): Promise<void> {
  for (let kill = 0; kill < KILLS; kill++) {
    await new Promise((wake) => setTimeout(wake, KILL_EVERY_MS));
    const info = await daemon.client.call('get', { service: 'echo' });
    for (const instance of info.instances) if (instance.pid !== null) seenPids.add(instance.pid);
    const victim = itemAt(info.instances, kill % info.instances.length).pid;
    if (victim !== null) process.kill(victim, 'SIGKILL');
  }
  await waitFor(async () => (await daemon.client.call('get', { service: 'echo' })).instances.every((instance) => instance.ready), {
    message: 'echo replicas did not all come back',
  });
  const info = await daemon.client.call('get', { service: 'echo' });
  for (const instance of info.instances) if (instance.pid !== null) seenPids.add(instance.pid);
}

describe('chaos (short): one of three echo replicas killed every 2 s under load', () => {
  it('no GET fails; a failed POST is only one cut off in flight (502), and every POST answered got its whole body', async () => {
    const daemon = await startDaemon();
    const echo = await daemon.client.call('register', { type: 'echo', replicas: 3 });
    for (const instance of echo.instances) if (instance.pid !== null) seenPids.add(instance.pid);
    const fdsBefore = openFds(daemon.pid);

    const gets = load(daemon, 'GET');
    await killReplicas(daemon);
    const getTally = await gets.stop();
    expect(getTally.ok).toBeGreaterThan(100);
    expect(getTally.failed).toEqual([]);

    const posts = load(daemon, 'POST');
    await killReplicas(daemon);
    const postTally = await posts.stop();
    expect(postTally.ok).toBeGreaterThan(100);
    expect(postTally.wrongBody).toBe(0);
    // Refused connections are retried; only a request the killed replica had already received can fail,
    // at most one per worker per kill.
    expect(postTally.failed.every((status) => status === 502)).toBe(true);
    expect(postTally.failed.length).toBeLessThanOrEqual(WORKERS * KILLS);

    // Nothing piles up in the daemon: its open fds are back near where they were.
    await waitFor(() => openFds(daemon.pid) <= fdsBefore + 10, { message: `daemon fds grew: ${fdsBefore} → ${openFds(daemon.pid)}` });
  });
});

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
