import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Event } from '../../protocol/index.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';
import { residentBytes } from '../helpers/process-resources.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();
const subscribers: Socket[] = [];

cleanUpAfterEach(seenPids);
afterEach(() => subscribers.splice(0).forEach((socket) => socket.destroy()));

/** A control-socket client that subscribes to every log and then does not read. */
function silentSubscriber(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => {
      socket.write('{"id":1,"method":"hello","params":{"version":1}}\n{"id":2,"method":"subscribe","params":{"topics":["logs"]}}\n');
      socket.pause();
      resolve(socket);
    });
    subscribers.push(socket);
    socket.once('error', reject);
  });
}

/** Reads everything the daemon sent until it closed the connection. */
function readToEnd(socket: Socket): Promise<string[]> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text.split('\n').filter((line) => line.length > 0)));
    socket.resume();
  });
}

describe('subscribers that do not read', () => {
  it('get a lagged notice and are dropped, and the daemon\'s memory stays bounded during a flood', async () => {
    daemon = await startDaemon();
    const silent = await Promise.all(Array.from({ length: 20 }, () => silentSubscriber(daemon!.paths.socket)));
    const before = residentBytes(daemon.pid);
    let peak = before;
    let reading: Promise<string[]> | undefined;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(daemon!.pid))), 100);
    try {
      const info = await daemon.client.call('register', fixtureService('flood', 'flood.mjs', { env: { FLOOD_LINES: '300000' } }));
      info.instances.forEach((instance) => instance.pid && seenPids.add(instance.pid));
      // Far past the bound for every silent subscriber: one of them now reads what it was sent.
      await waitFor(async () => (await daemon!.client.call('logs', { service: 'flood', lines: 1, grep: '^line 50000$' })).lines.length === 1, {
        timeoutMs: 60_000,
      });
      reading = readToEnd(itemAt(silent, 0));
      await waitFor(async () => (await daemon!.client.call('logs', { service: 'flood', lines: 1, grep: '^flood done$' })).lines.length === 1, {
        timeoutMs: 60_000,
        message: 'flood did not finish',
      });
    } finally {
      clearInterval(sampler);
    }
    const lines = await reading!;
    const last = Event.parse(JSON.parse(itemAt(lines, -1)));
    expect(last).toMatchObject({ event: 'lagged', data: { limitBytes: expect.any(Number), message: expect.stringContaining('log files') } });
    expect((await daemon.client.call('ping')).pong).toBe(true);
    // 20 readers left unbounded would hold the flood 20 times over (hundreds of MB).
    expect(peak - before, `peak RSS ${Math.round(peak / 2 ** 20)} MiB from ${Math.round(before / 2 ** 20)} MiB`).toBeLessThan(250 * 2 ** 20);
  });
});
