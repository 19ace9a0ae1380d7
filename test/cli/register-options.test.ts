import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { ensureBuilt, fixture, herve, knownPids, makeHome, repoRoot, stopAndProve, waitFor } from './harness.js';
import { itemAt } from '../helpers/item-at.js';

// The README's register options and settings, end to end through the built CLI against its daemon.
describe('herve register options, logs --json and PORT', () => {
  const home = makeHome();
  const scratch = mkdtempSync('/tmp/hv-opts-');
  const seen = new Set<number>();
  let proxyPort = 0;

  const get = async (name: string): Promise<ServiceInfo> => {
    const ls = await herve(home, ['ls', '--json']);
    expect(ls.exitCode, ls.stderr).toBe(0);
    const found = (JSON.parse(ls.stdout) as { services: ServiceInfo[] }).services.find((service) => service.name === name);
    if (!found) throw new Error(`${name} is not listed`);
    for (const instance of found.instances) if (instance.pid) seen.add(instance.pid);
    return found;
  };
  const register = async (...args: string[]) => {
    const result = await herve(home, ['register', ...args]);
    expect(result.exitCode, result.stderr).toBe(0);
    return result;
  };

  beforeAll(async () => {
    ensureBuilt();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    proxyPort = Number(/https?:\/\/[^\s:]+:(\d+)/.exec(up.stdout)?.[1]);
    expect(proxyPort, up.stdout).toBeGreaterThan(0);
  });
  afterAll(async () => {
    for (const pid of await knownPids(home)) seen.add(pid);
    await stopAndProve(home, [...seen]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('--cwd, --health, --restart, --description and --env reach the service; without --cwd it runs where herve was called', async () => {
    const dir = join(scratch, 'elsewhere');
    mkdirSync(dir);
    await register(
      'command',
      '--name',
      'placed',
      '--cwd',
      dir,
      '--health',
      '/healthz',
      '--restart',
      'never',
      '--description',
      'reports where it runs',
      '--env',
      'GREETING=hi',
      '--',
      'node',
      fixture('reporter.mjs'),
    );
    // Ready at all proves /healthz is probed: /health answers 404.
    const placed = await waitFor(async () => ((await get('placed')).status === 'running' ? get('placed') : null), { message: 'placed running' });
    expect(placed).toMatchObject({ description: 'reports where it runs', health: { path: '/healthz' }, restart: { policy: 'never' }, cwd: dir });
    expect(await (await fetch(`http://127.0.0.1:${proxyPort}/placed/where`)).json()).toEqual({ cwd: dir, greeting: 'hi' });

    // --restart never: killed, it stays down.
    const pid = itemAt(placed.instances, 0).pid!;
    process.kill(pid, 'SIGKILL');
    const down = await waitFor(
      async () => {
        const current = await get('placed');
        return itemAt(current.instances, 0).pid === null && itemAt(current.instances, 0).lastExit ? current : null;
      },
      { message: 'placed down after the kill' },
    );
    expect(down).toMatchObject({ restarts: 0 });
    expect(down.status).not.toBe('running');

    await register('command', '--name', 'here', '--health', '/healthz', '--', 'node', fixture('reporter.mjs'));
    expect(await (await fetch(`http://127.0.0.1:${proxyPort}/here/where`)).json()).toEqual({ cwd: repoRoot, greeting: null });
  });

  it('--opt sets a type option: a static service serves the directory given as root', async () => {
    const site = join(scratch, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<h1>from the opt root</h1>\n');
    await register('static', '--name', 'site', '--opt', `root=${site}`);
    expect((await get('site')).options).toEqual({ root: site });
    const page = await fetch(`http://127.0.0.1:${proxyPort}/site/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<h1>from the opt root</h1>\n');
  });

  it('logs --json prints one JSON object per line', async () => {
    await register('command', '--name', 'jsonlog', '--', 'node', fixture('greeter.mjs'));
    await fetch(`http://127.0.0.1:${proxyPort}/jsonlog/asked`);
    const lines = await waitFor(
      async () => {
        const result = await herve(home, ['logs', 'jsonlog', '--json', '-n', '50']);
        expect(result.exitCode, result.stderr).toBe(0);
        const parsed = result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { service: string; stream: string; line: string; at: number });
        return parsed.some((entry) => entry.line === 'greeting GET /asked') ? parsed : null;
      },
      { message: 'the request in logs --json' },
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        service: 'jsonlog',
        instance: 0,
        stream: 'stdout',
        line: `greeter listening on ${itemAt((await get('jsonlog')).instances, 0).port}`,
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ service: 'jsonlog', stream: 'stderr', line: 'greeter says this on stderr' }));
    for (const entry of lines) expect(typeof entry.at).toBe('number');
  });
});

describe('the PORT setting', () => {
  it('puts the front door on $PORT when herve up gets no --port', async () => {
    ensureBuilt();
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const home = makeHome();
    try {
      const up = await herve(home, ['up'], { PORT: String(free) });
      expect(up.exitCode, up.stderr).toBe(0);
      const health = await fetch(`http://127.0.0.1:${free}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      await stopAndProve(home);
    }
  });
});
