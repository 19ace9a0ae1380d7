import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

const LINES = 100_000;

describe('logs and stats over the socket', () => {
  it('captures a 100k-line burst exactly, readable through the logs method', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('flood', 'flood.mjs', { env: { FLOOD_LINES: String(LINES) } }));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    await waitFor(async () => (await daemon!.client.call('logs', { service: 'flood', lines: 5, grep: '^flood done$' })).lines.length === 1, {
      timeoutMs: 30_000,
      message: 'flood did not finish',
    });
    const { lines } = await daemon.client.call('logs', { service: 'flood', lines: 1_000_000, grep: '^line \\d+$' });
    expect(lines).toHaveLength(LINES);
    const numbers = lines.map((line) => Number(line.line.slice(5)));
    expect(numbers).toEqual(Array.from({ length: LINES }, (_, index) => index));
    expect(lines.every((line) => line.stream === 'stdout' && line.instance === 0 && line.service === 'flood')).toBe(true);
  });

  it('keeps a 1 MiB line whole and a last line without a newline', async () => {
    daemon = await startDaemon();
    const program = "process.stdout.write('x'.repeat(1024 * 1024) + '\\nlast words without newline')";
    const info = await daemon.client.call('register', {
      type: 'command',
      name: 'talker',
      command: process.execPath,
      args: ['-e', program],
      health: { path: null },
      restart: { policy: 'never' },
    });
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const lines = await waitFor(
      async () => {
        const { lines } = await daemon!.client.call('logs', { service: 'talker', lines: 10 });
        const output = lines.filter((line) => line.stream === 'stdout');
        return output.length === 2 ? output : null;
      },
      { message: 'talker output not captured' },
    );
    expect(itemAt(lines, 0).line).toBe('x'.repeat(1024 * 1024));
    expect(itemAt(lines, 1).line).toBe('last words without newline');
  });

  it("follows one service's lines with logs:<name> and keeps answering while a subscriber never reads", async () => {
    daemon = await startDaemon();
    // A subscriber that never reads: the daemon must drop for it, not buffer without bound or stall.
    const stalled = await RawSocket.connect(daemon.paths.socket);
    stalled.socket.pause();
    stalled.send(`${JSON.stringify({ id: 1, method: 'subscribe', params: { topics: ['logs'] } })}\n`);

    const follower = await daemon.connect();
    const followed: string[] = [];
    follower.onEvent((event) => {
      if (event.event === 'log') followed.push(`${event.data.service}:${event.data.line}`);
    });
    await follower.subscribe(['logs:flood']);
    await daemon.client.call('register', { type: 'echo', start: false });
    const info = await daemon.client.call('register', fixtureService('flood', 'flood.mjs', { env: { FLOOD_LINES: '20000' } }));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    await waitFor(() => followed.includes('flood:flood done'), { timeoutMs: 30_000, message: 'follower missed the end of the flood' });
    expect(followed.filter((line) => line.startsWith('flood:line '))).toHaveLength(20_000);
    expect(followed.some((line) => line.startsWith('echo:'))).toBe(false);
    expect((await daemon.client.call('ping')).pong).toBe(true);
    stalled.close();
  });

  it('answers stats once and pushes stats events every second only to subscribers', async () => {
    daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('busy', 'http-ok.mjs'));
    const pid = itemAt(info.instances, 0).pid!;
    seenPids.add(pid);
    const snapshot = await daemon.client.call('stats');
    expect(snapshot.daemon.pid).toBe(daemon.pid);
    expect(snapshot.daemon.rssBytes).toBeGreaterThan(0);
    expect(itemAt(snapshot.services, 0).instances[0]).toMatchObject({ index: 0, pid });
    expect(itemAt(itemAt(snapshot.services, 0).instances, 0).rssBytes).toBeGreaterThan(0);

    const watcher = await daemon.connect();
    const stamps: number[] = [];
    watcher.onEvent((event) => event.event === 'stats' && stamps.push(event.data.at));
    await watcher.subscribe(['stats']);
    await waitFor(() => stamps.length >= 2, { message: 'fewer than two stats events' });
    expect(itemAt(stamps, 1) - itemAt(stamps, 0)).toBeGreaterThanOrEqual(900);
  });
});
