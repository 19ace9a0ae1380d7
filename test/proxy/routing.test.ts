import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures/harness.js';
import { echoHandler, startUpstream, type Upstream } from './fixtures/upstream.js';
import { itemAt } from '../helpers/item-at.js';

interface Echoed {
  upstream: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A GET with a chosen Host header (fetch will not let us set it). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('routing', () => {
  let harness: Harness;
  let upstreams: Upstream[];

  beforeEach(async () => {
    harness = await startHarness();
    upstreams = await Promise.all(['a', 'b', 'c'].map((name) => startUpstream(echoHandler(name))));
    harness.routes.set('echo', [itemAt(upstreams, 0).port]);
    harness.routes.set(
      'trio',
      upstreams.map((upstream) => upstream.port),
    );
  });

  afterEach(async () => {
    await harness.door.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  it('strips the path prefix, keeps the query and sets the forwarding headers', async () => {
    const response = await fetch(`${harness.url}/echo/some/path?x=1&y=2`, { headers: { 'x-request-id': 'given-id' } });
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as Echoed;
    expect(echoed.url).toBe('/some/path?x=1&y=2');
    expect(echoed.headers['x-forwarded-prefix']).toBe('/echo');
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe(`127.0.0.1:${harness.door.port}`);
    expect(echoed.headers['x-request-id']).toBe('given-id');
    expect(response.headers.get('x-request-id')).toBe('given-id');
  });

  it('routes /echo, /echo/ and /echo?q alike, and generates a request id', async () => {
    for (const [path, upstreamPath] of [
      ['/echo', '/'],
      ['/echo/', '/'],
      ['/echo?q=1', '/?q=1'],
    ]) {
      const echoed = (await (await fetch(`${harness.url}${path}`)).json()) as Echoed;
      expect(echoed.url).toBe(upstreamPath);
      expect(echoed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('routes by Host: <name>.localhost[:port] without stripping', async () => {
    const { status, body } = await getWithHost(harness.door.port, '/echo/kept?z=1', `trio.localhost:${harness.door.port}`);
    expect(status).toBe(200);
    const echoed = JSON.parse(body) as Echoed;
    expect(echoed.url).toBe('/echo/kept?z=1');
    expect(echoed.headers['x-forwarded-prefix']).toBeUndefined();
    expect(echoed.headers['x-forwarded-host']).toBe(`trio.localhost:${harness.door.port}`);
  });

  it('forwards request bodies and methods', async () => {
    const response = await fetch(`${harness.url}/echo/items`, { method: 'POST', body: 'hello body', headers: { 'content-type': 'text/plain' } });
    const echoed = (await response.json()) as Echoed;
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toBe('hello body');
  });

  it('goes round-robin over three upstreams', async () => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const echoed = (await (await fetch(`${harness.url}/trio/`)).json()) as Echoed;
      seen[echoed.upstream] = (seen[echoed.upstream] ?? 0) + 1;
    }
    expect(seen).toEqual({ a: 10, b: 10, c: 10 });
    expect(upstreams.map((upstream) => upstream.hits)).toEqual([10, 10, 10]);
  });

  it('lists the routes at GET /', async () => {
    const listing = (await (await fetch(`${harness.url}/`)).json()) as { routes: { name: string; path: string; ready: number }[] };
    expect(listing.routes.map((route) => [route.name, route.path, route.ready])).toEqual([
      ['echo', '/echo/', 1],
      ['trio', '/trio/', 3],
    ]);
  });

  it('answers on localhost over IPv4 and IPv6 loopback', async () => {
    const viaV6 = await fetch(`http://[::1]:${harness.door.port}/echo/`);
    expect(viaV6.status).toBe(200);
    await viaV6.arrayBuffer();
  });

  it('records per-service request stats', async () => {
    for (let i = 0; i < 5; i++) await (await fetch(`${harness.url}/echo/`)).arrayBuffer();
    const stats = harness.door.requestStats.forService('echo');
    expect(stats?.total).toBe(5);
    expect(stats?.errors5xx).toBe(0);
    expect(stats?.p99Ms).toBeGreaterThan(0);
    expect(stats?.bytesOut).toBeGreaterThan(0);
    expect(harness.door.requestStats.forService('nothing')).toBeNull();
  });
});
