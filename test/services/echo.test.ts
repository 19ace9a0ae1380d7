import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessSampler } from '../../daemon/stats/process-sampler.js';
import { isAlive, killAll, request, startService } from './service-process.js';
import { waitFor } from '../helpers/poll.js';

afterEach(killAll);

describe('echo service', () => {
  it('answers /health with 200 JSON (unlogged) and logs one line per request', async () => {
    const echo = await startService('echo');
    const health = await request(echo.port, '/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', service: 'echo' });
    await request(echo.port, '/some/where?x=1', { method: 'DELETE' });
    await waitFor(() => echo.output.find((line) => /^DELETE \/some\/where\?x=1 200 [\d.]+ms$/.test(line)), { message: 'the request log line' });
    expect(echo.output.filter((line) => line.includes('/health'))).toEqual([]);
  });

  it('echoes method, path, query, headers and body as JSON, or as text', async () => {
    const echo = await startService('echo', [], { HERVE_INSTANCE: '3' });
    const reply = await request(echo.port, '/a/b?x=1&x=2&y=z', {
      method: 'PUT',
      headers: { 'x-custom': 'yes', 'content-type': 'text/plain' },
      body: 'héllo body',
    });
    expect(reply.status).toBe(200);
    const echoed = JSON.parse(reply.text);
    expect(echoed).toMatchObject({
      method: 'PUT',
      path: '/a/b',
      query: { x: ['1', '2'], y: 'z' },
      body: 'héllo body',
      bodyBytes: Buffer.byteLength('héllo body'),
      bodyTruncated: false,
      instance: '3',
    });
    expect(echoed.headers['x-custom']).toBe('yes');
    const text = await request(echo.port, '/t?format=text', { method: 'POST', headers: { 'x-custom': 'plain' }, body: 'abc' });
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toMatch(/^POST \/t\?format=text HTTP\/1.1\n/);
    expect(text.text).toContain('x-custom: plain');
    expect(text.text.endsWith('\n\nabc\n')).toBe(true);
  });

  it('consumes a 200 MB upload streaming: counts it, keeps 64 KiB, and never holds it all', async () => {
    const echo = await startService('echo');
    // Four times the 50 MB the proxy tests send, so holding it would stand out from GC lag.
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 'u');
    const sample = createProcessSampler({ includeDescendants: false });
    const baselineRss = sample([echo.child.pid!]).get(echo.child.pid!)!.rssBytes;
    let peakRss = 0;
    const watcher = setInterval(() => {
      peakRss = Math.max(peakRss, sample([echo.child.pid!]).get(echo.child.pid!)?.rssBytes ?? 0);
    }, 20);
    const reply = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: echo.port, path: '/upload', method: 'POST', headers: { 'content-length': total } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    clearInterval(watcher);
    const echoed = JSON.parse(reply);
    expect(echoed.bodyBytes).toBe(total);
    expect(echoed.bodyTruncated).toBe(true);
    expect(echoed.body.length).toBe(64 * 1024);
    expect(peakRss).toBeGreaterThan(0);
    // Holding the upload would add 200 MB; streaming adds only what the GC has not reclaimed yet.
    expect(peakRss - baselineRss).toBeLessThan(total / 2);
    console.log(`echo RSS during a 200 MB upload: ${(baselineRss / 2 ** 20).toFixed(0)} MiB -> peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  });

  it('streams N bytes for /bytes/N and for the x-echo-bytes header', async () => {
    const echo = await startService('echo');
    const byPath = await request(echo.port, '/bytes/3000000');
    expect(byPath.status).toBe(200);
    expect(byPath.headers['content-length']).toBe('3000000');
    expect(byPath.body.length).toBe(3_000_000);
    const byHeader = await request(echo.port, '/anything', { headers: { 'x-echo-bytes': '12345' } });
    expect(byHeader.body.length).toBe(12345);
    expect((await request(echo.port, '/bytes/0')).body.length).toBe(0);
    expect((await request(echo.port, '/x', { headers: { 'x-echo-bytes': 'lots' } })).status).toBe(400);
  });

  // A long grace, so an exit seen here comes from the service closing idle connections or finishing
  // the download, never from the grace timer (which would cut a download slowed by a loaded machine).
  const LONG_GRACE = { SHUTDOWN_GRACE_MS: '55000' };
  const GRACE_OVER = 'grace period over';

  it('exits 0 on SIGTERM without waiting for the grace when a keep-alive client is idle', async () => {
    const idle = await startService('echo', [], LONG_GRACE);
    const agent = new Agent({ keepAlive: true });
    await request(idle.port, '/warm', { agent });
    expect(agent.freeSockets).not.toEqual({});
    idle.child.kill('SIGTERM');
    expect(await idle.exited).toBe(0);
    expect(idle.output.join('\n')).not.toContain(GRACE_OVER);
    agent.destroy();
  });

  it('on SIGTERM finishes an in-flight download in full, then exits 0', async () => {
    const busy = await startService('echo', [], LONG_GRACE);
    // Far more than the socket buffers hold, so most of it is still to be sent when the signal comes.
    const size = 16 * 1024 * 1024;
    let received = 0;
    const done = new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: busy.port, path: `/bytes/${size}` }, (res) => {
        res.pause();
        // Reads only once the signal has been sent, so the download is in flight across it.
        setImmediate(() => {
          busy.child.kill('SIGTERM');
          res.on('data', (part: Buffer) => (received += part.length));
          res.on('end', () => resolve(received));
          res.on('aborted', () => reject(new Error(`download cut after ${received} of ${size} bytes`)));
          res.resume();
        });
      })
        .on('error', reject)
        .end();
    });
    expect(await done).toBe(size);
    expect(await busy.exited).toBe(0);
    expect(busy.output.join('\n')).not.toContain(GRACE_OVER);
    expect(isAlive(busy.child.pid!)).toBe(false);
  });

  it('cuts what is still in flight when the grace period is over, and exits 0', async () => {
    const stuck = await startService('echo', [], { SHUTDOWN_GRACE_MS: '200' });
    const size = 256 * 1024 * 1024;
    let received = 0;
    // Reads nothing until the service has exited: the download cannot finish, so only the grace timer ends it.
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: stuck.port, path: `/bytes/${size}` }, (res) => {
        res.pause();
        resolve(res);
      })
        .on('error', reject)
        .end();
    });
    stuck.child.kill('SIGTERM');
    expect(await stuck.exited).toBe(0);
    expect(stuck.output.join('\n')).toContain(GRACE_OVER);
    const ending = await new Promise<string>((resolve) => {
      response.on('data', (part: Buffer) => (received += part.length));
      response.on('end', () => resolve('end'));
      response.on('error', () => resolve('aborted'));
      response.resume();
    });
    expect(ending).toBe('aborted');
    expect(received).toBeLessThan(size);
  });
});
