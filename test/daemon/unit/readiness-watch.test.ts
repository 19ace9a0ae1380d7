import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthSpec } from '../../../protocol/index.js';
import { ReadinessWatch } from '../../../daemon/orchestrator/readiness-watch.js';
import { waitFor } from '../../helpers/daemon.js';

const servers: Server[] = [];
const watches: ReadinessWatch[] = [];

afterEach(async () => {
  watches.splice(0).forEach((watch) => {
    watch.close();
  });
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A server whose health answer the test switches. */
async function switchable(): Promise<{ port: number; setStatus(code: number): void }> {
  let status = 200;
  const server = createServer((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, setStatus: (code) => (status = code) };
}

function watch(port: number, health: Partial<HealthSpec>) {
  const seen: string[] = [];
  const instance = new ReadinessWatch({ port, cwd: undefined, env: {} }, HealthSpec.parse(health), {
    ready: (again) => seen.push(again ? 'ready again' : 'ready'),
    unhealthy: (failures) => seen.push(`unhealthy ${failures}`),
    restart: (reason) => seen.push(`restart: ${reason}`),
  });
  watches.push(instance);
  instance.start();
  return seen;
}

describe('readiness watch', () => {
  it('is ready at once without a health path', () => {
    expect(watch(1, { path: null })).toEqual(['ready']);
  });

  it('turns ready after healthyThreshold passes, unhealthy after unhealthyThreshold failures, ready again after passes', async () => {
    const server = await switchable();
    const seen = watch(server.port, { intervalMs: 50, healthyThreshold: 2, unhealthyThreshold: 2, restartAfterMs: 0 });
    await waitFor(() => seen.includes('ready'));
    server.setStatus(500);
    await waitFor(() => seen.includes('unhealthy 2'));
    server.setStatus(200);
    await waitFor(() => seen.includes('ready again'));
    expect(seen).toEqual(['ready', 'unhealthy 2', 'ready again']);
  });

  it('asks for a restart when unhealthy for restartAfterMs, then stops probing', async () => {
    const server = await switchable();
    const seen = watch(server.port, { intervalMs: 50, unhealthyThreshold: 1, restartAfterMs: 100 });
    await waitFor(() => seen.includes('ready'));
    server.setStatus(503);
    await waitFor(() => seen.some((event) => event.startsWith('restart')));
    expect(seen).toEqual(['ready', 'unhealthy 1', 'restart: unhealthy for 100 ms']);
  });

  it('asks for a restart when never ready within startTimeoutMs', async () => {
    const server = await switchable();
    server.setStatus(503);
    const seen = watch(server.port, { intervalMs: 50, startTimeoutMs: 150 });
    await waitFor(() => seen.length > 0);
    expect(seen).toEqual(['restart: not ready within 150 ms']);
  });
});
