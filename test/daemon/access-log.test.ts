import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { RequestRecord, type Event } from '../../protocol/index.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

const REQUESTS = 500;
const CLIENTS = 20;

async function webDaemon(home?: string): Promise<TestDaemon> {
  const daemon = await startDaemon({ home });
  const existing = (await daemon.client.call('list')).services.some((service) => service.name === 'web');
  if (!existing) await daemon.client.call('register', fixtureService('web', 'echo-headers.mjs', { replicas: 2 }));
  const running = await waitFor(
    async () => {
      const info = await daemon.client.call('get', { service: 'web' });
      return info.instances.every((instance) => instance.status === 'running') ? info : null;
    },
    { timeoutMs: 20_000, message: 'web not ready' },
  );
  for (const instance of running.instances) if (instance.pid) seenPids.add(instance.pid);
  return daemon;
}

function accessLines(daemon: TestDaemon): string[] {
  return readFileSync(join(daemon.paths.accessLogsDir, 'web.log'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

async function get(daemon: TestDaemon, path: string, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/web${path}`, { headers });
  await response.arrayBuffer();
}

describe('the access log and the requests method', () => {
  it(`writes exactly one line per request: ${REQUESTS} requests from ${CLIENTS} concurrent clients`, async () => {
    const daemon = await webDaemon();
    const agent = new Agent({ connections: CLIENTS });
    let next = 0;
    const client = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const response = await request(`http://127.0.0.1:${daemon.proxyPort}/web/item/${index}`, {
          dispatcher: agent,
          headers: { 'x-request-id': `load-${index}` },
        });
        await response.body.dump();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await agent.close();

    await waitFor(() => accessLines(daemon).length >= REQUESTS, {
      timeoutMs: 20_000,
      message: 'access log lines missing',
    });
    const records = accessLines(daemon).map((line) => RequestRecord.parse(JSON.parse(line)));
    expect(records).toHaveLength(REQUESTS);
    expect(new Set(records.map((record) => record.requestId))).toEqual(new Set(Array.from({ length: REQUESTS }, (_, index) => `load-${index}`)));
    for (const record of records) {
      expect(record).toMatchObject({
        service: 'web',
        method: 'GET',
        status: 200,
        path: `/web/item/${record.requestId.slice(5)}`,
      });
      expect([0, 1]).toContain(record.instance);
      expect(record.bytes).toBeGreaterThan(0);
      expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(statSync(join(daemon.paths.accessLogsDir, 'web.log')).mode & 0o777).toBe(0o600);
    const { requests } = await daemon.client.call('requests', { service: 'web', lines: 10_000 });
    expect(requests).toHaveLength(REQUESTS);
  });

  it('filters by status and duration, streams new requests, and reads the file after a restart', async () => {
    const daemon = await webDaemon();
    const events: Event[] = [];
    const follower = await daemon.connect();
    follower.onEvent((event) => events.push(event));
    await follower.subscribe(['requests:web']);
    for (let i = 0; i < 3; i++) await get(daemon, '/boom?status=503');
    for (let i = 0; i < 2; i++) await get(daemon, '/missing?status=404');
    await get(daemon, '/slow?sleep=400');
    await get(daemon, '/fine');

    const paths = async (params: Parameters<typeof daemon.client.call<'requests'>>[1]) =>
      (await daemon.client.call('requests', params)).requests.map((record) => record.path);
    expect(await paths({ service: 'web', status: '5xx' })).toEqual(Array(3).fill('/web/boom?status=503'));
    expect(await paths({ service: 'web', status: '404' })).toEqual(Array(2).fill('/web/missing?status=404'));
    expect(await paths({ service: 'web', status: '4xx', lines: 1 })).toEqual(['/web/missing?status=404']);
    expect(await paths({ service: 'web', slowMs: 300 })).toEqual(['/web/slow?sleep=400']);
    expect(await paths({ lines: 2 })).toEqual(['/web/slow?sleep=400', '/web/fine']);
    await expect(daemon.client.call('requests', { service: 'web', status: '6xx' })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(daemon.client.call('requests', { service: 'nope' })).rejects.toMatchObject({ code: 'not_found' });

    await waitFor(() => events.filter((event) => event.event === 'request').length === 7, {
      message: 'request events missing',
    });
    expect(events.map((event) => (event.event === 'request' ? event.data.status : null))).toEqual([503, 503, 503, 404, 404, 200, 200]);

    await daemon.stop();
    const again = await webDaemon(daemon.home);
    const fromFile = (await again.client.call('requests', { service: 'web', lines: 3 })).requests.map((record) => record.path);
    expect(fromFile).toEqual(['/web/missing?status=404', '/web/slow?sleep=400', '/web/fine']);
  });

  it("keeps the last requests' headers with secrets masked at capture, and never writes headers to the log", async () => {
    const daemon = await webDaemon();
    const secrets = {
      authorization: 'Bearer sk-live-123',
      cookie: 'session=abc',
      'proxy-authorization': 'Basic eA==',
      'x-api-key': 'key-456',
      'x-auth-token': 'tok-789',
      'x-client-secret': 'shh',
    };
    await get(daemon, '/private', { ...secrets, accept: 'text/plain', 'x-request-id': 'inspect-me' });
    const { headers } = await daemon.client.call('requestHeaders', { service: 'web', requestId: 'inspect-me' });
    const byName = Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
    for (const name of Object.keys(secrets)) expect(byName[name]).toBe('***');
    expect(byName.accept).toBe('text/plain');
    expect(byName['x-request-id']).toBe('inspect-me');
    const log = readFileSync(join(daemon.paths.accessLogsDir, 'web.log'), 'utf8');
    for (const value of Object.values(secrets)) expect(log).not.toContain(value);
    await expect(daemon.client.call('requestHeaders', { service: 'web', requestId: 'never-sent' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('requests no instance could take, and unregistered services', () => {
  it('records a 503 with no instance, and closes the access log of an unregistered service', async () => {
    const daemon = await webDaemon();
    await get(daemon, '/served');
    await daemon.client.call('stop', { service: 'web' });
    await get(daemon, '/refused', { 'x-request-id': 'refused-1' });
    const { requests } = await daemon.client.call('requests', { service: 'web', status: '503' });
    expect(requests).toMatchObject([{ path: '/web/refused', status: 503, instance: null, requestId: 'refused-1', bytes: 0 }]);

    const openAccessLogs = () =>
      readdirSync(`/proc/${daemon.pid}/fd`)
        .flatMap((fd) => {
          try {
            return [readlinkSync(`/proc/${daemon.pid}/fd/${fd}`)];
          } catch {
            return [];
          }
        })
        .filter((target) => target.startsWith(daemon.paths.accessLogsDir));
    await waitFor(() => openAccessLogs().length === 1, { message: 'the access log open while web is registered' });
    await daemon.client.call('unregister', { service: 'web' });
    await waitFor(() => openAccessLogs().length === 0, { message: 'the access log closed after unregister' });
    expect(accessLines(daemon)).toHaveLength(2);
  });
});
