import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cleanUpAfterEach, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { loadedModules, startRecordingDaemon } from '../helpers/module-record.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

const loads = (daemon: TestDaemon, pkg: string) => loadedModules(daemon).some((url) => url.includes(`/node_modules/${pkg}/`));
const loadsChokidar = (daemon: TestDaemon) => loads(daemon, 'chokidar');

async function logText(daemon: TestDaemon, service: string): Promise<string> {
  const { lines } = await daemon.client.call('logs', { service, lines: 200 });
  return lines.map((line) => line.line).join('\n');
}

describe('modules the daemon loads on first use', () => {
  it('chokidar only with a watch: service, and that first watch still restarts on a change', async () => {
    const dir = mkdtempSync('/tmp/hv-lazy-watch-');
    writeFileSync(join(dir, 'version.txt'), 'v1');
    try {
      const daemon = await startRecordingDaemon();
      const plain = await daemon.client.call('register', fixtureService('plain', 'http-ok.mjs'));
      for (const instance of plain.instances) if (instance.pid) seenPids.add(instance.pid);
      expect(loadsChokidar(daemon)).toBe(false);

      const watched = await daemon.client.call(
        'register',
        fixtureService('watched', 'http-ok.mjs', { cwd: dir, watch: { paths: ['.'], ignore: [], debounceMs: 100 } }),
      );
      const firstPid = watched.instances[0]?.pid;
      if (firstPid) seenPids.add(firstPid);
      await waitFor(async () => (await logText(daemon, 'watched')).includes('watch: watching'), { message: 'watcher ready' });
      expect(loadsChokidar(daemon)).toBe(true);

      writeFileSync(join(dir, 'version.txt'), 'v2');
      const restarted = await waitFor(
        async () => {
          const now = await daemon.client.call('get', { service: 'watched' });
          const pid = now.instances[0]?.pid;
          return now.roll === null && now.instances[0]?.ready && pid && pid !== firstPid ? pid : null;
        },
        { timeoutMs: 20_000, message: 'restarted after the change' },
      );
      seenPids.add(restarted);
      expect(await logText(daemon, 'watched')).toContain('watch: version.txt changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('http-proxy only with the first websocket upgrade, and that first upgrade is proxied', async () => {
    const daemon = await startRecordingDaemon();
    const ws = await daemon.client.call('register', fixtureService('ws', 'ws-echo.mjs'));
    for (const instance of ws.instances) if (instance.pid) seenPids.add(instance.pid);
    await waitFor(async () => (await daemon.client.call('get', { service: 'ws' })).instances[0]?.ready, { message: 'ws ready' });
    expect(loads(daemon, 'http-proxy')).toBe(false);

    const socket = new WebSocket(`ws://127.0.0.1:${daemon.proxyPort}/ws/chat`);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('hello'));
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();
    expect(reply).toBe('ws/0 /chat hello');
    expect(loads(daemon, 'http-proxy')).toBe(true);
  });
});
