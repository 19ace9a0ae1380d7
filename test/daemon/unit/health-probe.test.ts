import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthProbe } from '../../../daemon/orchestrator/health-probe.js';
import { waitFor } from '../../helpers/poll.js';

const servers: Server[] = [];
const probes: HealthProbe[] = [];

afterEach(async () => {
  probes.splice(0).forEach((probe) => {
    probe.close();
  });
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; connections: () => number; closed: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  let closed = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.once('close', () => (closed += 1));
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, connections: () => connections, closed: () => closed };
}

function probeOf(port: number, path = '/health'): HealthProbe {
  const probe = new HealthProbe(port, path);
  probes.push(probe);
  return probe;
}

describe('health probe', () => {
  it('is healthy on 2xx, reusing one connection', async () => {
    const seen: string[] = [];
    const { port, connections } = await serve((req, res) => {
      seen.push(req.url!);
      res.end('ok');
    });
    const probe = probeOf(port);
    for (let i = 0; i < 5; i++) expect(await probe.check(1000)).toBe(true);
    expect(seen).toEqual(Array(5).fill('/health'));
    expect(connections()).toBe(1);
  });

  it('is unhealthy on 5xx, and on a refused connection', async () => {
    const { port } = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('no');
    });
    expect(await probeOf(port).check(1000)).toBe(false);
    servers.splice(0).forEach((server) => {
      server.close();
    });
    await new Promise((done) => setTimeout(done, 10));
    expect(await probeOf(port).check(1000)).toBe(false);
  });

  it('is unhealthy when no answer comes within the timeout', async () => {
    // Never answers: a probe that waited for the answer instead of its timeout would never return.
    const { port } = await serve(() => undefined);
    expect(await probeOf(port).check(50)).toBe(false);
  });

  it('handles chunked answers by reconnecting next time', async () => {
    const { port, connections } = await serve((_req, res) => {
      res.write('part one ');
      setTimeout(() => res.end('part two'), 5);
    });
    const probe = probeOf(port);
    expect(await probe.check(1000)).toBe(true);
    expect(await probe.check(1000)).toBe(true);
    expect(connections()).toBe(2);
  });

  it('does not count a server closing an idle kept-alive connection as a failure', async () => {
    const { port, connections, closed } = await serve((req, res) => {
      res.end('ok');
      // Like a keep-alive timeout: the server drops the idle connection.
      setTimeout(() => req.socket.destroy(), 20);
    });
    const probe = probeOf(port);
    expect(await probe.check(1000)).toBe(true);
    await waitFor(() => closed() === 1, { message: 'the server to drop the connection' });
    expect(await probe.check(1000)).toBe(true);
    expect(connections()).toBe(2);
  });
});
