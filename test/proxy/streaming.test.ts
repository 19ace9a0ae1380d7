import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '../helpers/daemon.js';
import { startHarness, type Harness } from './fixtures/harness.js';
import { startUpstream, type Upstream } from './fixtures/upstream.js';

const MIB = 1024 * 1024;

describe('streaming through the front door', () => {
  let harness: Harness;
  let upstreams: Upstream[] = [];

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(async () => {
    await harness.door.close();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
    upstreams = [];
  });

  it('delivers server-sent events one by one, not buffered', async () => {
    let sendNext: (() => void) | undefined;
    const sse = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      let count = 0;
      sendNext = () => res.write(`data: event ${++count}\n\n`);
      res.on('close', () => (sendNext = undefined));
    });
    upstreams.push(sse);
    harness.routes.set('sse', [sse.port]);

    const response = await fetch(`${harness.url}/sse/stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // Each event is only sent after the previous one arrived: buffering would deadlock this loop.
    for (let expected = 1; expected <= 3; expected++) {
      await waitFor(() => sendNext !== undefined, { message: 'the stream to open' });
      sendNext!();
      const { value } = await reader.read();
      expect(decoder.decode(value)).toBe(`data: event ${expected}\n\n`);
    }
    await reader.cancel();
    await waitFor(() => sendNext === undefined, { message: 'the upstream to see the client leave' });
  });

  it('proxies a websocket echo, prefix stripped', async () => {
    const upstream = await startUpstream((_req, res) => res.end('not a websocket'));
    upstreams.push(upstream);
    const wss = new WebSocketServer({ server: upstream.server });
    const paths: string[] = [];
    wss.on('connection', (socket, req) => {
      paths.push(req.url ?? '');
      socket.on('message', (data) => socket.send(`echo: ${data.toString()}`));
    });
    harness.routes.set('chat', [upstream.port]);

    const client = new WebSocket(`ws://127.0.0.1:${harness.door.port}/chat/room?x=1`);
    const replies: string[] = [];
    client.on('message', (data) => replies.push(data.toString()));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    client.send('hello');
    client.send('again');
    await waitFor(() => replies.length === 2, { message: 'two echoes' });
    expect(replies).toEqual(['echo: hello', 'echo: again']);
    expect(paths).toEqual(['/room?x=1']);
    client.close();
    await new Promise((resolve) => client.once('close', resolve));
    wss.close();
  });

  it('refuses a websocket to an unknown service with a 404', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${harness.door.port}/nobody/`);
    client.on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      client.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      }),
    );
    expect(status).toBe(404);
  });

  it('streams a 50 MB download and upload with backpressure end to end, memory bounded', async () => {
    const size = 50 * MIB;
    const chunk = Buffer.alloc(MIB, 120);
    let sentByUpstream = 0;
    let uploadRequest: import('node:http').IncomingMessage | undefined;
    const store = await startUpstream((req, res) => {
      if (req.method === 'POST') {
        // Reads nothing until the test says so: the client must be held back meanwhile.
        req.pause();
        uploadRequest = req;
        let received = 0;
        req.on('data', (part: Buffer) => (received += part.length));
        req.on('end', () => res.end(String(received)));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      const pump = (): void => {
        while (sentByUpstream < size) {
          sentByUpstream += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    upstreams.push(store);
    harness.routes.set('store', [store.port]);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    try {
      // Download: a client that does not read must stall the upstream after a few socket buffers
      // (loopback buffers autotune to several MiB per socket; two hops; far below 50 MiB).
      const download = await openPaused(harness.door.port, '/store/file');
      await waitUntilStalled(() => sentByUpstream);
      expect(sentByUpstream).toBeLessThan(24 * MIB);
      let downloaded = 0;
      download.on('data', (part: Buffer) => (downloaded += part.length));
      download.resume();
      await new Promise((resolve) => download.once('end', resolve));
      expect(downloaded).toBe(size);

      // Upload: an upstream that does not read must stall the client the same way.
      const upload = uploadChunks(harness.door.port, chunk, 50);
      await waitFor(() => uploadRequest !== undefined, { message: 'the upload to reach the upstream' });
      await waitUntilStalled(() => upload.written());
      expect(upload.written()).toBeLessThan(24 * MIB);
      uploadRequest!.resume();
      expect(await upload.done).toBe(String(size));
    } finally {
      clearInterval(sampler);
    }
    // Client, proxy and upstream share this process: loose, but 2 x 50 MB held anywhere would show.
    expect(rssPeak - rssBefore).toBeLessThan(120 * MIB);
  });
});

/** A GET whose response body is left unread (paused) until the caller resumes it. */
function openPaused(port: number, path: string): Promise<import('node:http').IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls a growing counter until it stops growing for 200 ms (deadline 10 s). */
async function waitUntilStalled(counter: () => number): Promise<void> {
  let last = -1;
  let stableSince = Date.now();
  await waitFor(
    () => {
      const now = counter();
      if (now !== last) {
        last = now;
        stableSince = Date.now();
        return false;
      }
      return Date.now() - stableSince >= 200;
    },
    { timeoutMs: 10_000, message: 'the transfer to stall under backpressure' },
  );
}

/** A chunked POST written piece by piece, waiting for drain: the proxy must stream it through. */
function uploadChunks(port: number, chunk: Buffer, count: number): { done: Promise<string>; written: () => number } {
  let written = 0;
  const done = new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/store/upload', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.on('data', (part: Buffer) => (body += part.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    const writeMore = (): void => {
      while (written < count * chunk.length) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
  return { done, written: () => written };
}
