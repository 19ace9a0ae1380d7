import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HerveError } from '../../daemon/shared/errors.js';
import { startFrontDoor } from '../../daemon/proxy/front-door.js';
import { FixtureControl } from './fixtures/fixture-control.js';
import { FixtureRoutes } from './fixtures/fixture-routes.js';
import { startHarness, type Harness } from './fixtures/harness.js';
import { startUpstream, type Upstream } from './fixtures/upstream.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('proxy errors', () => {
  let harness: Harness;
  let upstreams: Upstream[] = [];

  beforeEach(async () => {
    harness = await startHarness({ upstreamTimeoutMs: 300 });
  });

  afterEach(async () => {
    await harness.door.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    upstreams = [];
  });

  it('404 unknown_service for a name nobody registered', async () => {
    const response = await fetch(`${harness.url}/ghost/x`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown_service', message: expect.stringContaining('ghost'), service: 'ghost' });
  });

  it('503 no_ready_instance with Retry-After when nothing is ready', async () => {
    harness.routes.set('sleepy', []);
    const response = await fetch(`${harness.url}/sleepy/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: 'no_ready_instance', service: 'sleepy' });
  });

  it('502 bad_gateway when the upstream refuses connections (after one retry)', async () => {
    harness.routes.set('dead', [await freePort()]);
    const response = await fetch(`${harness.url}/dead/`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: string; message: string; service: string };
    expect(body).toMatchObject({ error: 'bad_gateway', service: 'dead' });
    expect(body.message).toContain('ECONNREFUSED');
    expect(body.message).not.toMatch(/\n\s+at /);
  });

  it('504 gateway_timeout when the upstream never answers, then the stats count the 5xx', async () => {
    const silent = await startUpstream(() => undefined);
    upstreams.push(silent);
    harness.routes.set('slow', [silent.port]);
    // The upstream never answers: only the proxy's own deadline can produce an answer at all.
    const response = await fetch(`${harness.url}/slow/`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'gateway_timeout', service: 'slow' });
    expect(harness.door.requestStats.forService('slow')).toMatchObject({ total: 1, errors5xx: 1 });
  });

  it('cuts the client off (truncated body) when the upstream dies mid-body', async () => {
    const dying = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    upstreams.push(dying);
    harness.routes.set('dying', [dying.port]);
    const response = await fetch(`${harness.url}/dying/`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('port_in_use when the port is taken, naming the process that holds it, leaving nothing open', async () => {
    const error = await startFrontDoor({ port: harness.door.port, routes: new FixtureRoutes(), control: new FixtureControl() }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HerveError);
    expect(error).toMatchObject({
      code: 'port_in_use',
      message: expect.stringMatching(new RegExp(`^port ${harness.door.port} is already in use by pid ${process.pid} \\(.*node`)),
    });
    expect((error as HerveError).hint).toContain('--port');
  });

  it('a port free on IPv4 but taken on IPv6 also fails cleanly and frees the IPv4 side', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '::1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startFrontDoor({ port, routes: new FixtureRoutes(), control: new FixtureControl() })).rejects.toMatchObject({ code: 'port_in_use' });
      const probe = createServer();
      await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => probe.close(resolve));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
