import { spawn, type ChildProcess } from 'node:child_process';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpAfterEach, holdsFor, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { httpUpstream, type Upstream } from './upstreams.js';

const seenPids = new Set<number>();
const upstreams: Upstream[] = [];
cleanUpAfterEach(seenPids);
afterEach(async () => {
  for (const upstream of upstreams.splice(0)) await upstream.close();
});

async function upstream(): Promise<Upstream> {
  const started = await httpUpstream();
  upstreams.push(started);
  return started;
}

const get = (daemon: TestDaemon, name: string) => daemon.client.call('get', { service: name });

describe('joining and leaving by heartbeat', () => {
  it('announced members are replicas of an external service; a silent one is lost and gets no request; leave removes at once', async () => {
    const daemon = await startDaemon();
    const [a, b] = [await upstream(), await upstream()];
    await daemon.client.call('announce', { name: 'pool', url: a.url, ttl: 1 });
    const joined = await daemon.client.call('announce', { name: 'pool', url: b.url, ttl: 1 });
    expect(joined.members).toBe(2);
    let bBeats = true;
    const beat = setInterval(() => {
      for (const member of bBeats ? [a, b] : [a]) void daemon.client.call('announce', { name: 'pool', url: member.url, ttl: 1 }).catch(() => undefined);
    }, 250);
    try {
      const info = await get(daemon, 'pool');
      expect(info).toMatchObject({ type: 'external', status: 'joined' });
      expect(info.instances.map((instance) => instance.status)).toEqual(['joined', 'joined']);
      for (let i = 0; i < 4; i++) expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/pool/x`)).status).toBe(200);
      expect(a.seen.length).toBe(2);
      expect(b.seen.length).toBe(2);

      // Only a keeps announcing: b misses its TTL and leaves routing.
      bBeats = false;
      await waitFor(async () => (await get(daemon, 'pool')).instances.find((instance) => instance.port === b.port)?.status === 'lost', { message: 'b lost' });
      const bBefore = b.seen.length;
      for (let i = 0; i < 6; i++) expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/pool/x`)).status).toBe(200);
      expect(b.seen.length).toBe(bBefore);
      expect((await get(daemon, 'pool')).status).toBe('joined');
      const { lines } = await daemon.client.call('logs', { service: 'pool', lines: 20 });
      expect(lines.map((line) => line.line).join('\n')).toContain(`${b.url} lost`);
    } finally {
      clearInterval(beat);
    }
    expect(await daemon.client.call('leave', { name: 'pool', url: a.url })).toEqual({ name: 'pool', left: 1 });
    expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/pool/x`)).status).toBe(503);
    await daemon.client.call('leave', { name: 'pool' });
    await expect(get(daemon, 'pool')).rejects.toThrow(/no service named/);
  });

  it('forgets a member after ten TTLs of silence', async () => {
    const daemon = await startDaemon();
    const a = await upstream();
    await daemon.client.call('announce', { name: 'brief', url: a.url, ttl: 1 });
    await waitFor(async () => (await get(daemon, 'brief')).status === 'lost', { message: 'lost' });
    await waitFor(async () => (await daemon.client.call('list')).services.length === 0, { timeoutMs: 20_000, message: 'forgotten' });
  }, 30_000);

  it('refuses bad announcements with a clear error', async () => {
    const daemon = await startDaemon();
    await daemon.client.call('register', { type: 'echo', start: false });
    await expect(daemon.client.call('announce', { name: 'Bad Name', url: 'http://127.0.0.1:1' })).rejects.toThrow(/name/);
    await expect(daemon.client.call('announce', { name: 'ok', url: 'ftp://127.0.0.1:1' })).rejects.toThrow(/must be http:\/\/ or https:\/\//);
    await expect(daemon.client.call('announce', { name: 'echo', url: 'http://127.0.0.1:1' })).rejects.toThrow(/a service Herve runs/);
    await expect(daemon.client.call('leave', { name: 'nobody' })).rejects.toThrow(/no joined service/);
    expect((await daemon.client.call('list')).services.map((service) => service.name)).toEqual(['echo']);
  });

  it('POST /services/announce and /services/leave on the admin API, with credentials', async () => {
    const daemon = await startDaemon({ env: { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'pw' } });
    const a = await upstream();
    const base = `http://127.0.0.1:${daemon.proxyPort}/services`;
    const auth = { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` };
    const form = `name=web&url=${encodeURIComponent(a.url)}&ttl=5`;
    expect((await fetch(`${base}/announce`, { method: 'POST', body: form })).status).toBe(401);
    const announced = await fetch(`${base}/announce`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(announced.status).toBe(200);
    expect(await announced.json()).toEqual({ name: 'web', url: a.url, ttl: 5, members: 1 });
    expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/web/hello`)).status).toBe(200);
    const bad = await fetch(`${base}/announce`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'web', url: 'gopher://x' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/url must be http/);
    const left = await fetch(`${base}/leave`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'web' }),
    });
    expect(await left.json()).toEqual({ name: 'web', left: 1 });
  });

  it("the package's client joins, keeps announcing, and leaves at once on SIGTERM; a kill -9ed member is dropped", async () => {
    const daemon = await startDaemon();
    const members: ChildProcess[] = [];
    const startMember = (id: string) =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = spawn(process.execPath, [joinPath(import.meta.dirname, 'fixtures', 'member.mjs')], {
          env: { ...process.env, HERVE_HOME: daemon.home, MEMBER_NAME: 'api', MEMBER_ID: id, MEMBER_TTL: '1' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        seenPids.add(child.pid!);
        members.push(child);
        child.stdout!.once('data', () => resolve(child));
        child.once('exit', (code) => reject(new Error(`member ${id} exited with ${code}`)));
      });
    const one = await startMember('one');
    const two = await startMember('two');
    // Beyond several TTLs: the heartbeat keeps both in routing.
    await holdsFor(async () => (await get(daemon, 'api')).instances.filter((instance) => instance.status === 'joined').length === 2, {
      forMs: 2500,
      message: 'both members joined',
    });
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add(await (await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/`)).text());
    expect([...bodies].sort()).toEqual(['member one', 'member two']);

    one.kill('SIGTERM');
    // A member whose TTL ran out would be listed as lost until it is forgotten (10 TTLs): one that
    // leaves is gone without ever being lost.
    let seenLost = false;
    await waitFor(
      async () => {
        const { instances } = await get(daemon, 'api');
        seenLost ||= instances.some((instance) => instance.status === 'lost');
        return instances.length === 1;
      },
      { timeoutMs: 8000, intervalMs: 20, message: 'one left' },
    );
    expect(seenLost, 'one was lost by its TTL instead of leaving').toBe(false);
    two.kill('SIGKILL');
    await waitFor(async () => (await get(daemon, 'api')).status === 'lost', { message: 'two lost' });
    expect((await fetch(`http://127.0.0.1:${daemon.proxyPort}/api/`)).status).toBe(503);
  });
});
