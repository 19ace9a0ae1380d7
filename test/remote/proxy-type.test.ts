import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { httpsUpstream, httpUpstream, type Upstream } from './upstreams.js';

const upstreams: Upstream[] = [];
cleanUpAfterEach(new Set());
afterEach(async () => {
  for (const upstream of upstreams.splice(0)) await upstream.close();
});

async function running(daemon: TestDaemon, name: string) {
  return waitFor(
    async () => {
      const info = await daemon.client.call('get', { service: name });
      return info.status === 'running' ? info : undefined;
    },
    { message: `${name} running` },
  );
}

describe('the proxy type: an upstream Herve does not run', () => {
  it('forwards to an http upstream under its path, rewrites Host, probes it and counts the requests', async () => {
    const upstream = await httpUpstream();
    upstreams.push(upstream);
    const daemon = await startDaemon();
    await daemon.client.call('register', { type: 'proxy', name: 'api', options: { target: `${upstream.url}/base` } });
    const info = await running(daemon, 'api');
    expect(info.instances[0]).toMatchObject({ pid: null, port: upstream.port, ready: true });

    const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/things?x=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/base/things?x=1', host: `127.0.0.1:${upstream.port}` });
    const stats = await daemon.client.call('stats');
    expect(stats.services.find((service) => service.name === 'api')?.requests?.total).toBe(1);

    await daemon.client.call('register', { type: 'proxy', name: 'keep', options: { target: upstream.url, host: 'keep' } });
    await running(daemon, 'keep');
    // fetch() cannot set Host; node:http can.
    const kept = await new Promise<string>((resolve, reject) => {
      get({ port: daemon.proxyPort!, host: '127.0.0.1', path: '/keep/', headers: { host: `keep.localhost:${daemon.proxyPort}` } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(JSON.parse(kept)).toEqual({ path: '/keep/', host: `keep.localhost:${daemon.proxyPort}` });
  });

  it('an upstream that stops answering leaves the routing table (503)', async () => {
    const upstream = await httpUpstream();
    upstreams.push(upstream);
    const daemon = await startDaemon();
    await daemon.client.call('register', {
      type: 'proxy',
      name: 'flaky',
      options: { target: upstream.url },
      health: { intervalMs: 100, unhealthyThreshold: 2 },
    });
    await running(daemon, 'flaky');
    await upstream.close();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${daemon.proxyPort}/flaky/`)).status === 503, { message: 'flaky out of routing' });
    expect((await daemon.client.call('get', { service: 'flaky' })).status).toBe('unhealthy');
  });

  it('refuses a self-signed https upstream by default, with the reason in its log; accepts it with insecure=true', async () => {
    const upstream = await httpsUpstream();
    upstreams.push(upstream);
    const daemon = await startDaemon();
    await daemon.client.call('register', {
      type: 'proxy',
      name: 'strict',
      options: { target: upstream.url },
      health: { intervalMs: 100, startTimeoutMs: 1000 },
    });
    const logs = await waitFor(
      async () => {
        const { lines } = await daemon.client.call('logs', { service: 'strict', lines: 50 });
        return lines.find((line) => /probe of https:.*(certificate|CERT)/i.test(line.line));
      },
      { message: 'certificate refusal in the log' },
    );
    expect(logs.line).toMatch(/self[- ]signed/i);
    expect((await daemon.client.call('get', { service: 'strict' })).status).toBe('starting');
    expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/strict/`)).status).toBe(503);
    expect(upstream.seen).toEqual([]);

    await daemon.client.call('register', { type: 'proxy', name: 'lax', options: { target: upstream.url, insecure: 'true' }, health: { intervalMs: 200 } });
    await running(daemon, 'lax');
    const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/lax/x`);
    expect(await response.json()).toEqual({ path: '/x', host: `127.0.0.1:${upstream.port}` });
  });

  it('says what is wrong with bad options', async () => {
    const daemon = await startDaemon();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /proxy target is required/],
      [{ target: 'ftp://example.com' }, /must be http:\/\/ or https:\/\//],
      [{ target: 'not a url' }, /is not a URL/],
      [{ target: 'http://127.0.0.1:1', insecure: 'yes' }, /insecure must be true or false/],
      [{ target: 'http://127.0.0.1:1', colour: 'red' }, /unknown option 'colour'/],
    ];
    for (const [options, message] of cases) {
      await expect(daemon.client.call('register', { type: 'proxy', name: 'bad', options })).rejects.toThrow(message);
    }
    expect((await daemon.client.call('list')).services).toEqual([]);
  });
});
