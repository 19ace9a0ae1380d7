import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RegisterInput, ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, registerReady, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

/** A GET to the front door with a chosen Host header (fetch will not set one). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a websocket through the front door (optionally with a Host header) and returns the echo of one message. */
async function websocketEcho(url: string, message: string, host?: string): Promise<string> {
  const socket = new WebSocket(url, host ? { headers: { host } } : {});
  try {
    await new Promise<void>((open, fail) => socket.once('open', () => open()).once('error', fail));
    const reply = new Promise<string>((answer) => socket.once('message', (data: Buffer) => answer(data.toString())));
    socket.send(message);
    return await reply;
  } finally {
    socket.close();
  }
}

// One real daemon with real services for the lot; each test uses services of its own.
describe('the front door of a real daemon', () => {
  let daemon: TestDaemon;
  let port: number;
  const seenPids = new Set<number>();

  const register = (spec: RegisterInput): Promise<ServiceInfo> => registerReady(daemon, spec, seenPids);

  beforeAll(async () => {
    daemon = await startDaemon();
    port = daemon.proxyPort!;
  });

  afterAll(async () => {
    await daemon.stop();
    daemon.removeHome();
    for (const pid of [daemon.pid, ...seenPids]) await assertProcessGone(pid);
  });

  it('routes <name>.localhost by its Host header, path untouched, and /<name>/ with the prefix stripped', async () => {
    await register({ type: 'echo', name: 'hosted' });
    const byHost = await getWithHost(port, '/some/path?x=1', `hosted.localhost:${port}`);
    expect(byHost.status).toBe(200);
    expect(JSON.parse(byHost.body)).toMatchObject({ path: '/some/path', query: { x: '1' } });
    const byPrefix = JSON.parse((await getWithHost(port, '/hosted/some/path', `localhost:${port}`)).body) as { path: string; headers: Record<string, string> };
    expect(byPrefix.path).toBe('/some/path');
    expect(byPrefix.headers['x-forwarded-prefix']).toBe('/hosted');
    expect((await getWithHost(port, '/', `nobody.localhost:${port}`)).status).toBe(404);
  });

  it('carries websockets to a service, by path prefix and by <name>.localhost', async () => {
    await register(fixtureService('chat', 'ws-echo.mjs'));
    expect(await websocketEcho(`ws://127.0.0.1:${port}/chat/room`, 'hello')).toBe('chat/0 /room hello');
    expect(await websocketEcho(`ws://127.0.0.1:${port}/lobby`, 'hi', `chat.localhost:${port}`)).toBe('chat/0 /lobby hi');
  });

  it('streams server-sent events from the built-in sse service as they are sent', async () => {
    await register({ type: 'sse', name: 'ticks', options: { interval: '50' } });
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/ticks/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    // Three events read while the stream stays open: nothing waits for the end of the response.
    while ((text.match(/^data: /gm) ?? []).length < 3) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += Buffer.from(value!).toString();
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(text).toMatch(/^data: /m);
  });

  it('drains: a stopping instance leaves routing before its SIGTERM, and the proxy sends it nothing more though it still answers', async () => {
    const info = await register(fixtureService('drain', 'slow-drain.mjs', { restart: { stopGraceMs: 20_000 } }));
    const direct = `http://127.0.0.1:${itemAt(info.instances, 0).port}/x`;
    expect(await (await fetch(`http://127.0.0.1:${port}/drain/x`)).text()).toBe('served');
    // Requests keep coming through the proxy while the service stops: none may reach the instance
    // after its SIGTERM, so it must leave routing before the signal is sent.
    let stopped = false;
    const proxiedBodies: string[] = [];
    const loop = (async () => {
      while (!stopped) proxiedBodies.push(await (await fetch(`http://127.0.0.1:${port}/drain/x`)).text());
    })();
    const stopping = daemon.client.call('stop', { service: 'drain' });
    await waitFor(
      async () => (await daemon.client.call('logs', { service: 'drain', lines: 50 })).lines.some((line) => line.line === 'slow-drain: got SIGTERM'),
      {
        message: 'the SIGTERM to arrive',
      },
    );
    // The instance still answers for a while after SIGTERM; the proxy must no longer send it anything.
    expect(await (await fetch(direct)).text()).toBe('after SIGTERM');
    const proxied = await fetch(`http://127.0.0.1:${port}/drain/x`);
    expect(proxied.status).toBe(503);
    expect(await proxied.json()).toMatchObject({ error: 'no_ready_instance', service: 'drain' });
    expect((await stopping).status).toBe('stopped');
    stopped = true;
    await loop;
    expect(proxiedBodies.length).toBeGreaterThan(0);
    expect(proxiedBodies.filter((body) => body.includes('after SIGTERM'))).toEqual([]);
  });
});
