import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join as joinPath } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_CHANNELS } from '../../protocol/index.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { startRedis, stopAllRedis, type TestRedis } from '../helpers/redis-server.js';

const seenPids = new Set<number>();
const members: ChildProcess[] = [];
const sentinels: Server[] = [];
// After-each hooks run last registered first: members and Redis go, then the daemons, then every pid is proven gone.
cleanUpAfterEach(seenPids);
afterEach(() => stopAllRedis());
afterEach(async () => {
  for (const member of members.splice(0)) member.kill('SIGKILL');
  for (const sentinel of sentinels.splice(0)) sentinel.close();
});

/** Short beats, so a silent member is out of routing after one second. */
const BEATS = { HERVE_BUS_BEAT_MS: '250', HERVE_BUS_MISSED_BEATS: '4' };

const busDaemon = (redis: TestRedis) => startDaemon({ env: { HERVE_BUS: redis.url, ...BEATS } });
const get = (daemon: TestDaemon, name: string) => daemon.client.call('get', { service: name });
const body = async (daemon: TestDaemon, path: string) => {
  const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}${path}`);
  return `${response.status} ${await response.text()}`;
};

interface Member {
  child: ChildProcess;
  port: number;
}

/** The fixture, joined over the bus given in `env` (MEMBER_BUS, or HERVE_BUS read by the client). */
function startMember(id: string, env: Record<string, string>): Promise<Member> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [joinPath(import.meta.dirname, 'fixtures', 'member.mjs')], {
      env: { ...process.env, MEMBER_NAME: 'api', MEMBER_ID: id, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    seenPids.add(child.pid!);
    members.push(child);
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, port: Number(/joined (\d+)/.exec(String(chunk))?.[1]) }));
    child.once('exit', (code) => reject(new Error(`member ${id} exited with ${code}`)));
  });
}

/** Which members answer `tries` requests through the daemon's front door. */
async function answering(daemon: TestDaemon, tries = 8): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < tries; i++) seen.add(await body(daemon, '/api/'));
  return [...seen].sort();
}

const readyMembers = async (daemon: TestDaemon) => (await get(daemon, 'api')).instances.filter((instance) => instance.status === 'joined').length;

describe('services that join over a Redis bus (herve up --bus)', () => {
  it('members on the bus get traffic from every daemon on it; one that leaves is gone from both at once', async () => {
    const redis = await startRedis();
    const [first, second] = [await busDaemon(redis), await busDaemon(redis)];
    expect(first.client.hello.bus).toBe(redis.url);
    const one = await startMember('one', { MEMBER_BUS: redis.url });
    // The client reads HERVE_BUS when join() is given no bus.
    await startMember('two', { HERVE_BUS: redis.url });

    for (const daemon of [first, second]) {
      await waitFor(async () => (await readyMembers(daemon)) === 2, {
        timeoutMs: 20_000,
        message: 'both members joined',
      });
      expect(await get(daemon, 'api')).toMatchObject({ type: 'external', status: 'joined' });
      expect(await answering(daemon)).toEqual(['200 member one', '200 member two']);
    }

    one.child.kill('SIGTERM');
    for (const daemon of [first, second]) {
      // Gone from the list, not merely lost (a lost member stays listed for ten TTLs).
      await waitFor(async () => (await get(daemon, 'api')).instances.length === 1, {
        timeoutMs: 20_000,
        message: 'one left',
      });
      expect(await answering(daemon)).toEqual(['200 member two']);
    }
    const { lines } = await first.client.call('logs', { service: 'api', lines: 50 });
    expect(lines.map((line) => line.line).join('\n')).toMatch(/http:\/\/127\.0\.0\.1:\d+ left/);
  }, 60_000);

  it('a member killed with kill -9 leaves routing after the missed beats and gets no request afterwards', async () => {
    const redis = await startRedis();
    const daemon = await busDaemon(redis);
    const victim = await startMember('victim', { MEMBER_BUS: redis.url });
    await startMember('survivor', { MEMBER_BUS: redis.url });
    await waitFor(async () => (await readyMembers(daemon)) === 2, { timeoutMs: 20_000, message: 'both joined' });

    victim.child.kill('SIGKILL');
    await waitFor(async () => (await get(daemon, 'api')).instances.find((instance) => instance.port === victim.port)?.status === 'lost', {
      timeoutMs: 20_000,
      message: 'victim lost',
    });
    // Its port answered again by a listener that counts connections: the front door must not come.
    let connections = 0;
    const sentinel = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    sentinels.push(sentinel);
    await new Promise<void>((resolve) => sentinel.listen(victim.port, '127.0.0.1', resolve));
    expect(await answering(daemon, 12)).toEqual(['200 member survivor']);
    expect(connections).toBe(0);
    const { lines } = await daemon.client.call('logs', { service: 'api', lines: 50 });
    expect(lines.map((line) => line.line).join('\n')).toContain(`http://127.0.0.1:${victim.port} lost: no announcement for 1 s`);
  }, 60_000);

  it('survives Redis going down and restarting: members go out of routing, then come back', async () => {
    const redis = await startRedis();
    const daemon = await busDaemon(redis);
    await startMember('one', { MEMBER_BUS: redis.url });
    await waitFor(async () => (await readyMembers(daemon)) === 1, { timeoutMs: 20_000, message: 'joined' });

    await redis.kill();
    await waitFor(() => daemon.output().includes(`bus: lost the connection to ${redis.url}, reconnecting`), {
      timeoutMs: 20_000,
      message: 'the daemon logs the lost link',
    });
    await waitFor(async () => (await get(daemon, 'api')).status === 'lost', {
      timeoutMs: 20_000,
      message: 'no acks without Redis: lost',
    });
    expect(await body(daemon, '/api/')).toMatch(/^503 /);
    expect((await daemon.client.call('ping')).pong).toBe(true);

    await redis.start();
    await waitFor(async () => (await readyMembers(daemon)) === 1, {
      timeoutMs: 30_000,
      message: 'back after Redis restarted',
    });
    expect(await answering(daemon)).toEqual(['200 member one']);
    expect(daemon.output().split(`bus: connected to ${redis.url}`).length - 1).toBe(2);
  }, 90_000);

  it('a daemon loads ioredis only with a bus, starts while Redis is down, and connects once it is up', async () => {
    const loaded = (daemon: TestDaemon) => daemon.output().includes('node_modules/ioredis/');
    const plain = await startDaemon({ env: { NODE_DEBUG: 'module' } });
    expect(plain.client.hello.bus).toBeNull();
    expect(plain.output()).toContain('node_modules/better-sqlite3/');
    expect(loaded(plain)).toBe(false);

    const redis = await startRedis({ running: false });
    const daemon = await startDaemon({ env: { HERVE_BUS: redis.url, NODE_DEBUG: 'module', ...BEATS } });
    // The bus starts just after the control socket answers.
    await waitFor(() => loaded(daemon), { timeoutMs: 20_000, message: 'ioredis loaded' });
    await waitFor(() => daemon.output().includes(`bus: ${redis.url}: connect ECONNREFUSED`), {
      timeoutMs: 20_000,
      message: 'the refused connection is logged',
    });
    await redis.start();
    await waitFor(() => daemon.output().includes(`bus: connected to ${redis.url}`), {
      timeoutMs: 20_000,
      message: 'connected once Redis is up',
    });
    await startMember('late', { MEMBER_BUS: redis.url });
    await waitFor(async () => (await body(daemon, '/api/')) === '200 member late', {
      timeoutMs: 20_000,
      message: 'the member is reached',
    });
  }, 60_000);

  it('ignores bad messages on the bus, each reason logged once, and refuses a name Herve runs', async () => {
    const redis = await startRedis();
    const daemon = await busDaemon(redis);
    await daemon.client.call('register', { type: 'echo', start: false });
    await waitFor(() => daemon.output().includes('bus: connected'), { timeoutMs: 20_000, message: 'connected' });
    const publisher = new Redis(redis.url);
    try {
      for (let i = 0; i < 3; i++) {
        await publisher.publish(BUS_CHANNELS.ack, 'not json');
        await publisher.publish(BUS_CHANNELS.ack, JSON.stringify({ name: 'echo', url: 'http://127.0.0.1:9' }));
        await publisher.publish(BUS_CHANNELS.leave, JSON.stringify({ name: 'ok', url: 'ftp://127.0.0.1:9' }));
      }
      // Messages are handled in order: once this last one is logged, the nine before it were handled.
      await publisher.publish(BUS_CHANNELS.ack, JSON.stringify({ name: 'last', url: 'http://127.0.0.1:9?last' }));
      const complaints = [
        'bus: ignored a message on herve:ack: not JSON',
        'bus: ignored a message on herve:ack: "echo" is a service Herve runs',
        'bus: ignored a message on herve:leave: url: url must be http:// or https:// (got ftp://)',
      ];
      await waitFor(() => daemon.output().includes('url: url must not have a query or a fragment'), {
        timeoutMs: 20_000,
        message: 'the last message handled',
      });
      for (const line of complaints) expect(daemon.output().split(line).length - 1, line).toBe(1);
    } finally {
      publisher.disconnect();
    }
    expect((await daemon.client.call('list')).services.map((service) => `${service.name} ${service.type}`)).toEqual(['echo echo']);
  }, 60_000);
});
