import { describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, cleanUpAfterEach, startDaemon, waitFor } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { startRequestLoop } from '../helpers/request-loop.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

function pidsOf(service: ServiceInfo): number[] {
  const pids = service.instances.map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
  for (const pid of pids) seenPids.add(pid);
  return pids;
}

describe('rolling restart', () => {
  it('replaces both replicas under a request loop without one failed request', async () => {
    const daemon = await startDaemon();
    const registered = await daemon.client.call('register', fixtureService('web', 'slow-reply.mjs', { replicas: 2 }));
    const before = pidsOf(registered);
    expect(before).toHaveLength(2);
    // Requests that take a while, so some are in flight on the old instances when they are retired.
    const loop = startRequestLoop(`http://127.0.0.1:${daemon.proxyPort}/web/?ms=30`, 6);
    await waitFor(() => loop.bodies.length > 20, { message: 'requests flowing before the roll' });

    const rolled = await daemon.client.call('restart', { service: 'web', rolling: true });
    await waitFor(() => loop.bodies.length > 60, { message: 'requests flowing after the roll' });
    const result = await loop.stop();

    expect(result.failures).toEqual([]);
    expect(result.ok).toBeGreaterThan(60);
    const after = pidsOf(rolled);
    expect(after).toHaveLength(2);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    expect(rolled.instances.every((instance) => instance.ready && instance.roll === undefined)).toBe(true);
    expect(rolled.roll).toBeNull();
    for (const pid of before) await assertProcessGone(pid);
    // The new instances served requests after the roll.
    expect(loop.bodies.slice(-10).every((body) => after.some((pid) => body.includes(String(pid))))).toBe(true);
  });

  it('update rolls a changed env with zero failed requests, and leaves an unchanged spec alone', async () => {
    const daemon = await startDaemon();
    const spec = fixtureService('api', 'slow-reply.mjs', { replicas: 2, env: { MODE: 'one' } });
    const registered = await daemon.client.call('register', spec);
    const before = pidsOf(registered);
    const unchanged = await daemon.client.call('update', { service: 'api', spec });
    expect(unchanged).toMatchObject({ changed: [], rolled: false });
    expect(pidsOf(unchanged.service)).toEqual(before);

    const loop = startRequestLoop(`http://127.0.0.1:${daemon.proxyPort}/api/`, 4);
    await waitFor(() => loop.bodies.length > 10);
    const updated = await daemon.client.call('update', { service: 'api', spec: { ...spec, env: { MODE: 'two' } } });
    const result = await loop.stop();
    expect(result.failures).toEqual([]);
    expect(updated).toMatchObject({ changed: ['env'], rolled: true });
    expect(updated.service.env).toEqual({ MODE: 'two' });
    expect(pidsOf(updated.service).some((pid) => before.includes(pid))).toBe(false);
    for (const pid of before) await assertProcessGone(pid);

    const scaled = await daemon.client.call('update', { service: 'api', spec: { ...spec, env: { MODE: 'two' }, replicas: 3 } });
    expect(scaled).toMatchObject({ changed: ['replicas'], rolled: false });
    const kept = pidsOf(updated.service);
    await waitFor(async () => (await daemon.client.call('get', { service: 'api' })).instances.filter((instance) => instance.ready).length === 3);
    const now = await daemon.client.call('get', { service: 'api' });
    expect(pidsOf(now).filter((pid) => kept.includes(pid))).toHaveLength(2);
  });

  it('a failed roll stops at the first bad instance, the old ones keep serving, the error quotes its last lines', async () => {
    const daemon = await startDaemon();
    const spec = fixtureService('shop', 'http-ok.mjs', { replicas: 2 });
    const registered = await daemon.client.call('register', spec);
    const before = pidsOf(registered);
    const broken = { ...spec, command: process.execPath, args: ['-e', "console.error('boom: DATABASE_URL is not set'); process.exit(3)"] };

    const loop = startRequestLoop(`http://127.0.0.1:${daemon.proxyPort}/shop/`, 2);
    await waitFor(() => loop.bodies.length > 5);
    const failure = await daemon.client.call('update', { service: 'shop', spec: broken }).then(
      () => new Error('the update should have failed'),
      (error: Error & { code?: string; hint?: string }) => error,
    );
    const result = await loop.stop();

    expect(failure).toMatchObject({ code: 'roll_failed' });
    expect(failure.message).toContain('exited with code 3 before it was ready');
    expect(failure.message).toContain('the old instances keep serving');
    expect(failure.message).toContain('boom: DATABASE_URL is not set');
    expect(result.failures).toEqual([]);
    const after = await daemon.client.call('get', { service: 'shop' });
    expect(pidsOf(after)).toEqual(before);
    expect(after.args).toEqual(spec.args);
    expect(after.instances).toHaveLength(2);
    expect(after.roll).toBeNull();
    const answer = await fetch(`http://127.0.0.1:${daemon.proxyPort}/shop/`);
    expect(answer.status).toBe(200);
  });

  it('refuses a rolling restart of a stopped service, saying how to start it', async () => {
    const daemon = await startDaemon();
    await daemon.client.call('register', fixtureService('idle', 'http-ok.mjs', { start: false }));
    await expect(daemon.client.call('restart', { service: 'idle', rolling: true })).rejects.toMatchObject({
      code: 'conflict',
      hint: 'start it with: herve start idle',
    });
  });
});
