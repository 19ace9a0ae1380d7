import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startHarness, waitFor, type Harness } from './fixtures/harness.js';
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
      await waitFor(() => sendNext !== undefined, 2_000, 'the stream to open');
      sendNext!();
      const { value } = await reader.read();
      expect(decoder.decode(value)).toBe(`data: event ${expected}\n\n`);
    }
    await reader.cancel();
    await waitFor(() => sendNext === undefined, 2_000, 'the upstream to see the client leave');
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
    await waitFor(() => replies.length === 2, 2_000, 'two echoes');
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

  it('streams a 50 MB upload and a 50 MB download with bounded memory', async () => {
    const size = 50 * MIB;
    const chunk = Buffer.alloc(MIB, 120);
    const store = await startUpstream((req, res) => {
      if (req.method === 'POST') {
        let received = 0;
        req.on('data', (part: Buffer) => (received += part.length));
        req.on('end', () => res.end(String(received)));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      Readable.from((function* () { for (let i = 0; i < 50; i++) yield chunk; })()).pipe(res);
    });
    upstreams.push(store);
    harness.routes.set('store', [store.port]);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    try {
      const uploaded = await uploadChunks(harness.door.port, chunk, 50);
      expect(uploaded).toBe(String(size));

      const response = await fetch(`${harness.url}/store/file`);
      let downloaded = 0;
      for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) downloaded += part.length;
      expect(downloaded).toBe(size);
    } finally {
      clearInterval(sampler);
    }
    // Test runner, client, upstream and proxy share this process; buffering 50 MB anywhere would show.
    expect(rssPeak - rssBefore).toBeLessThan(40 * MIB);
  });
});

/** A chunked POST written piece by piece, waiting for drain: the proxy must stream it through. */
function uploadChunks(port: number, chunk: Buffer, count: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/store/upload', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.on('data', (part: Buffer) => (body += part.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    let written = 0;
    const writeMore = (): void => {
      while (written < count) {
        written++;
        if (!req.write(chunk)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}
