import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Event } from '../../protocol/index.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();
const subscribers: Socket[] = [];
const SUBSCRIBERS = 20;

cleanUpAfterEach(seenPids);
afterEach(() =>
  subscribers.splice(0).forEach((socket) => {
    socket.destroy();
  }),
);

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
  it('get a lagged notice and are dropped during a flood, so the daemon holds no backlog for them', async () => {
    daemon = await startDaemon();
    const silent = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => silentSubscriber(daemon!.paths.socket)));
    const info = await daemon.client.call('register', fixtureService('flood', 'flood.mjs', { env: { FLOOD_LINES: '300000' } }));
    info.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    // Far past the bound for every silent subscriber: one of them now reads what it was sent.
    await waitFor(async () => (await daemon!.client.call('logs', { service: 'flood', lines: 1, grep: '^line 50000$' })).lines.length === 1, {
      timeoutMs: 60_000,
    });
    const reading = readToEnd(itemAt(silent, 0));
    await waitFor(async () => (await daemon!.client.call('logs', { service: 'flood', lines: 1, grep: '^flood done$' })).lines.length === 1, {
      timeoutMs: 60_000,
      message: 'flood did not finish',
    });
    // Every subscriber, the one that read during the flood and those that never did, was cut off
    // with a lagged notice: what it was sent ends there, and the daemon closed the connection.
    const received = [await reading, ...(await Promise.all(silent.slice(1).map(readToEnd)))];
    for (const lines of received) {
      const last = Event.parse(JSON.parse(lines.at(-1) ?? 'null'));
      expect(last).toMatchObject({ event: 'lagged', data: { limitBytes: expect.any(Number), message: expect.stringContaining('log files') } });
    }
    expect((await daemon.client.call('ping')).pong).toBe(true);
  });
});
