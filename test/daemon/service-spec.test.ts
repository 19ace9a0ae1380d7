import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { FIXTURES_DIR, fixtureService } from '../helpers/fixtures.js';
import { startRequestLoop } from '../helpers/request-loop.js';
import { itemAt } from '../helpers/item-at.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

function pidsOf(service: ServiceInfo): number[] {
  const pids = service.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
  for (const pid of pids) seenPids.add(pid);
  return pids;
}

async function logText(daemon: TestDaemon, service: string): Promise<string> {
  const { lines } = await daemon.client.call('logs', { service, lines: 500 });
  return lines.map((line) => line.line).join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('service spec fields', () => {
  it('expands $PORT, ${PORT} and ${NAME:-default} in the arguments of a program that takes its port only as an argument', async () => {
    const daemon = await startDaemon();
    const info = await daemon.client.call('register', {
      type: 'command',
      name: 'py',
      command: process.execPath,
      args: [join(FIXTURES_DIR, 'port-arg.mjs'), '$PORT', '${LABEL:-unlabelled}-${PORT}'],
      replicas: 2,
    });
    pidsOf(info);
    expect(info.status).toBe('running');
    for (const instance of info.instances) {
      const body = await (await fetch(`http://127.0.0.1:${instance.port}/`)).text();
      expect(body).toBe(`unlabelled-${instance.port} on ${instance.port}\n`);
    }
    expect(info.args).toEqual([join(FIXTURES_DIR, 'port-arg.mjs'), '$PORT', '${LABEL:-unlabelled}-${PORT}']);
    const proxied = await fetch(`http://127.0.0.1:${daemon.proxyPort}/py/`);
    expect(proxied.status).toBe(200);
  });

  it('probes a service that speaks no HTTP over tcp, and one by a command (exit 0 = healthy)', async () => {
    const daemon = await startDaemon();
    const tcp = await daemon.client.call('register', fixtureService('queue', 'tcp-only.mjs', { health: { tcp: true }, route: false }));
    pidsOf(tcp);
    expect(tcp.status).toBe('running');
    expect(itemAt(tcp.instances, 0).ready).toBe(true);

    const dir = mkdtempSync('/tmp/hv-probe-');
    try {
      const flag = join(dir, 'ready');
      const runs = join(dir, 'runs');
      // The probe command gets $PORT expanded and runs without a shell; each run leaves a line in `runs`.
      await daemon.client.call(
        'register',
        fixtureService('gated', 'http-ok.mjs', {
          health: { exec: ['/bin/sh', '-c', `echo run >> ${runs}; test -f ${flag} && test -n "$1"`, 'probe', '$PORT'], intervalMs: 100 },
          start: false,
        }),
      );
      // Started without waiting: it is not meant to be ready until the flag exists.
      const exec = await daemon.client.call('start', { service: 'gated', wait: false });
      expect(itemAt(exec.instances, 0).ready).toBe(false);
      const probeRuns = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);
      await waitFor(() => probeRuns() >= 3, { message: 'three failing probe runs' });
      const probed = await daemon.client.call('get', { service: 'gated' });
      expect(pidsOf(probed)).toHaveLength(1);
      expect(itemAt(probed.instances, 0).ready).toBe(false);
      writeFileSync(flag, '');
      await waitFor(async () => itemAt((await daemon.client.call('get', { service: 'gated' })).instances, 0).ready, { message: 'exec probe passes' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a worker with no route: it is supervised, and the front door does not route to it', async () => {
    const daemon = await startDaemon();
    const worker = await daemon.client.call('register', fixtureService('jobs', 'worker.mjs', { route: false, health: { path: null } }));
    pidsOf(worker);
    expect(worker.status).toBe('running');
    expect(worker.url).toBeNull();
    expect(worker.route).toBe(false);
    await waitFor(async () => (await logText(daemon, 'jobs')).includes('worker did job 3'));
    const byPath = await fetch(`http://127.0.0.1:${daemon.proxyPort}/jobs/`);
    expect(byPath.status).toBe(404);
    expect(await byPath.json()).toMatchObject({ error: 'unknown_service', service: 'jobs' });
    const listing = await (await fetch(`http://127.0.0.1:${daemon.proxyPort}/`)).json();
    expect(JSON.stringify(listing)).not.toContain('"jobs"');
  });

  it('routes by a custom path prefix and by extra hosts', async () => {
    const daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('site', 'http-ok.mjs', { route: { path: '/api/v1', hosts: ['site.test'] } }));
    pidsOf(info);
    expect(info.url).toBe(`http://localhost:${daemon.proxyPort}/api/v1/`);
    expect(await (await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/v1/x`)).text()).toBe('ok site/0\n');
    expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/site/`)).status).toBe(404);
    // fetch() drops a Host header, node:http sends it.
    const byHost = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port: daemon.proxyPort!, path: '/anything', headers: { host: 'site.test:80' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(byHost).toBe('ok site/0\n');
  });

  it('refuses a fixed port with replicas, a port another service owns, and a port something else listens on', async () => {
    const daemon = await startDaemon();
    const port = await freePort();
    await expect(daemon.client.call('register', fixtureService('many', 'port-arg.mjs', { port, replicas: 2 }))).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('allows only 1 replica'),
    });
    const owner = await daemon.client.call('register', {
      ...fixtureService('owner', 'port-arg.mjs', { port }),
      args: [join(FIXTURES_DIR, 'port-arg.mjs'), '$PORT'],
    });
    pidsOf(owner);
    expect(itemAt(owner.instances, 0).port).toBe(port);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(`port-arg on ${port}\n`);
    await expect(daemon.client.call('register', fixtureService('thief', 'http-ok.mjs', { port }))).rejects.toMatchObject({
      code: 'port_in_use',
      message: expect.stringContaining(`fixed port of owner`),
    });

    const blocker = createServer();
    const busy = await freePort();
    await new Promise<void>((done) => blocker.listen(busy, '127.0.0.1', () => done()));
    try {
      await expect(daemon.client.call('register', fixtureService('late', 'http-ok.mjs', { port: busy }))).rejects.toMatchObject({
        code: 'port_in_use',
        message: expect.stringContaining(`port ${busy} is already in use`),
      });
      await daemon.client.call('register', fixtureService('later', 'http-ok.mjs', { port: busy, start: false }));
      await expect(daemon.client.call('start', { service: 'later' })).rejects.toMatchObject({ code: 'port_in_use' });
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });

  it('stops with the signal the spec names', async () => {
    const daemon = await startDaemon();
    const info = await daemon.client.call('register', fixtureService('sig', 'stop-signal.mjs', { stop: { signal: 'SIGINT', graceMs: 20_000 } }));
    const pid = itemAt(pidsOf(info), 0);
    expect(info.stop).toEqual({ signal: 'SIGINT', graceMs: 20_000 });
    const stopped = await daemon.client.call('stop', { service: 'sig' });
    await assertProcessGone(pid);
    expect(itemAt(stopped.instances, 0).lastExit).toMatchObject({ code: 0, signal: null });
    const log = await logText(daemon, 'sig');
    expect(log).toContain('got SIGINT, exiting');
    expect(log).not.toContain('got SIGTERM');
  });

  it('restarts (rolling) when a watched source changes: the new code is served, no request fails meanwhile', async () => {
    const dir = mkdtempSync('/tmp/hv-watch-');
    const source = (version: string) =>
      `import { createServer } from 'node:http';\nconst server = createServer((req, res) => res.end('${version}'));\nserver.listen(Number(process.env.PORT), '127.0.0.1');\nprocess.on('SIGTERM', () => server.close(() => process.exit(0)));\n`;
    writeFileSync(join(dir, 'server.mjs'), source('v1'));
    try {
      const daemon = await startDaemon();
      const info = await daemon.client.call('register', {
        type: 'command',
        name: 'live',
        command: process.execPath,
        args: ['server.mjs'],
        cwd: dir,
        replicas: 2,
        health: { path: '/' },
        watch: { paths: ['.'], ignore: ['*.log'], debounceMs: 100 },
      });
      const before = pidsOf(info);
      await waitFor(async () => (await logText(daemon, 'live')).includes('watch: watching'), { message: 'watcher ready' });
      const loop = startRequestLoop(`http://127.0.0.1:${daemon.proxyPort}/live/`, 3);
      await waitFor(() => loop.bodies.length > 10);
      writeFileSync(join(dir, 'ignored.log'), 'not a reason to restart');
      writeFileSync(join(dir, 'server.mjs'), source('v2'));
      await waitFor(() => loop.bodies.slice(-5).join() === 'v2,v2,v2,v2,v2', { timeoutMs: 20_000, message: 'v2 served' });
      const result = await loop.stop();
      expect(result.failures).toEqual([]);
      const after = await waitFor(async () => {
        const now = await daemon.client.call('get', { service: 'live' });
        return now.roll === null && now.instances.every((instance) => instance.ready) ? now : null;
      });
      expect(pidsOf(after).some((pid) => before.includes(pid))).toBe(false);
      const log = await logText(daemon, 'live');
      expect(log).toContain('watch: server.mjs changed');
      expect(log).not.toContain('ignored.log changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
