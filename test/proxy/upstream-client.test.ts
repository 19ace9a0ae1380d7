import type { IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseParser, UpstreamProtocolError } from '../../daemon/proxy/upstream-client/response-parser.js';
import { UpstreamPool } from '../../daemon/proxy/upstream-client/upstream-pool.js';
import { waitFor } from '../helpers/poll.js';
import { startHarness, type Harness } from './fixtures/harness.js';

interface Parsed {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ended: boolean;
}

function parseInPieces(raw: string, cuts: number[], expectBody = true): Parsed & { parser: ResponseParser } {
  const parsed: Parsed = { status: 0, headers: {}, body: '', ended: false };
  const parser = new ResponseParser({
    onHead: (status, headers) => Object.assign(parsed, { status, headers }),
    onBody: (chunk) => {
      parsed.body += chunk.toString('latin1');
    },
    onEnd: () => {
      parsed.ended = true;
    },
  });
  parser.begin(expectBody);
  const bytes = Buffer.from(raw, 'latin1');
  let start = 0;
  for (const cut of [...new Set(cuts.map((at) => at % (bytes.length + 1)))].sort((a, b) => a - b)) {
    parser.execute(bytes.subarray(start, cut));
    start = cut;
  }
  parser.execute(bytes.subarray(start));
  return { ...parsed, parser };
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nx-trailer: t\r\n\r\n';

describe('the upstream response parser', () => {
  it('reads a chunked response the same way however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const parsed = parseInPieces(CHUNKED, cuts);
        expect(parsed).toMatchObject({ status: 200, body: 'hello, world', ended: true });
        expect(parsed.headers['set-cookie']).toEqual(['a=1', 'b=2']);
        expect(parsed.parser.keepAlive).toBe(true);
      }),
    );
  });

  it('skips 1xx heads, honours HEAD and 204, and reads Content-Length bodies exactly', () => {
    expect(parseInPieces('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', [5, 40])).toMatchObject({
      status: 200,
      body: 'ok',
      ended: true,
    });
    expect(parseInPieces('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', [], false)).toMatchObject({ body: '', ended: true });
    expect(parseInPieces('HTTP/1.1 204 No Content\r\n\r\n', [])).toMatchObject({ status: 204, ended: true });
    const overrun = parseInPieces('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA', []);
    expect(overrun).toMatchObject({ body: 'ok', ended: true });
    expect(overrun.parser.overran).toBe(true);
  });

  it('reads a body without a length until the connection ends, and never reuses that connection', () => {
    const parsed = parseInPieces('HTTP/1.1 200 OK\r\n\r\nuntil close', [20]);
    expect(parsed).toMatchObject({ body: 'until close', ended: false });
    expect(parsed.parser.end()).toBe(true);
    expect(parsed.parser.keepAlive).toBe(false);
    expect(parseInPieces('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', []).parser.keepAlive).toBe(false);
    expect(parseInPieces('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', []).parser.keepAlive).toBe(false);
  });

  it('refuses what could let one response pass for two', () => {
    const refused = [
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n',
      'HTTP/1.1 200 OK\r\n folded: x\r\n\r\n',
      'HTTP/2 200\r\n\r\n',
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      'garbage\r\n\r\n',
      `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`,
    ];
    for (const raw of refused) expect(() => parseInPieces(raw, []), raw.slice(0, 60)).toThrow(UpstreamProtocolError);
    // Both framings: chunked is read, the length dropped, and the connection is not kept.
    const both = parseInPieces('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', []);
    expect(both).toMatchObject({ body: 'ok', ended: true });
    expect(both.headers['content-length']).toBeUndefined();
    expect(both.parser.keepAlive).toBe(false);
  });
});

/** A TCP upstream that answers each request head with what `respond` writes; it records what it was sent. */
async function scriptedUpstream(
  respond: (socket: Socket, request: string, index: number) => void,
): Promise<{ server: Server; sockets: Set<Socket>; port: number; received: string[]; connections: number }> {
  const state = { received: [] as string[], connections: 0, sockets: new Set<Socket>() };
  const server = createServer((socket) => {
    state.connections++;
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString('latin1');
      // A request is complete at its blank line, or at the chunked body's last chunk.
      const end = buffer.includes('transfer-encoding: chunked') ? buffer.indexOf('0\r\n\r\n') + 5 : buffer.indexOf('\r\n\r\n') + 4;
      if (end < 5) return;
      const request = buffer.slice(0, end);
      buffer = buffer.slice(end);
      state.received.push(request);
      respond(socket, request, state.received.length - 1);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { server, port: (server.address() as AddressInfo).port });
}

describe('the front door over its own HTTP/1.1 client', () => {
  let harness: Harness;
  const servers: { server: Server; sockets: Set<Socket> }[] = [];

  beforeEach(async () => {
    harness = await startHarness({ upstreamTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await harness.door.close();
    for (const { server, sockets } of servers.splice(0)) {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function route(respond: Parameters<typeof scriptedUpstream>[0]) {
    const upstream = await scriptedUpstream(respond);
    servers.push(upstream);
    harness.routes.set('raw', [upstream.port]);
    return upstream;
  }

  it('keeps one connection for requests in sequence, and passes chunked bodies through', async () => {
    const upstream = await route((socket) => socket.write(CHUNKED));
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${harness.url}/raw/`);
      expect(await response.text()).toBe('hello, world');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    }
    expect(upstream.connections).toBe(1);
  });

  it('sends a chunked request body upstream as chunks and relays the answer', async () => {
    const upstream = await route((socket) => socket.write('HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone'));
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part one,'));
        controller.enqueue(new TextEncoder().encode('part two'));
        controller.close();
      },
    });
    const response = await fetch(`${harness.url}/raw/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('done');
    const sent = upstream.received[0] ?? '';
    expect(sent).toMatch(/^POST \/upload HTTP\/1\.1\r\n/);
    expect(sent).toContain('transfer-encoding: chunked\r\n');
    expect(
      sent
        .slice(sent.indexOf('\r\n\r\n') + 4)
        .replace(/\r\n[0-9a-f]+\r\n/g, '')
        .replace(/^[0-9a-f]+\r\n|\r\n$/g, ''),
    ).toBe('part one,part two');
  });

  it('answers 502 with the reason to a malformed response, and serves the next request on a new connection', async () => {
    const upstream = await route((socket, _request, index) => {
      socket.write(index === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\nok' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const bad = await fetch(`${harness.url}/raw/`);
    expect(bad.status).toBe(502);
    expect(((await bad.json()) as { message: string }).message).toContain('conflicting Content-Length');
    const good = await fetch(`${harness.url}/raw/`);
    expect(await good.text()).toBe('ok');
    expect(upstream.connections).toBe(2);
  });

  it('drops a kept connection once the upstream closes it, and the next request opens a new one', async () => {
    const upstream = await route((socket, _request, index) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (index === 0) setImmediate(() => socket.destroy());
    });
    expect(await (await fetch(`${harness.url}/raw/`)).text()).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await (await fetch(`${harness.url}/raw/`)).text()).toBe('ok');
    expect(upstream.connections).toBe(2);
  });

  it('relays a body read until the upstream closes, then opens a new connection', async () => {
    const upstream = await route((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed to the end'));
    expect(await (await fetch(`${harness.url}/raw/`)).text()).toBe('streamed to the end');
    expect(await (await fetch(`${harness.url}/raw/`)).text()).toBe('streamed to the end');
    expect(upstream.connections).toBe(2);
    const { upstreams } = (await (await fetch(`${harness.url}/_herve/upstreams`)).json()) as { upstreams: unknown[] };
    expect(upstreams[0]).toMatchObject({ port: upstream.port, running: 0, pending: 0 });
  });
});

describe('the upstream pool', () => {
  it('queues past its connection cap in order, reuses the one connection, and a request aborted while queued costs it nothing', async () => {
    const upstream = await scriptedUpstream((socket, request) => {
      const path = /^GET (\S+)/.exec(request)?.[1] ?? '?';
      setTimeout(() => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`), 20);
    });
    const pool = new UpstreamPool({ host: '127.0.0.1', port: upstream.port, connections: 1, keepAliveTimeoutMs: 4000 });
    const answers: string[] = [];
    const errors: string[] = [];
    const send = (path: string, abortAtStart = false) =>
      new Promise<void>((resolve) => {
        let body = '';
        pool.dispatch(
          { path, method: 'GET', headers: ['host', 'x'], body: null, headersTimeout: 2000 },
          {
            onRequestStart: (controller) => abortAtStart && controller.abort(new Error('client left')),
            onResponseData: (_controller, chunk) => {
              body += chunk.toString();
            },
            onResponseEnd: () => {
              answers.push(body);
              resolve();
            },
            onResponseError: (_controller, error) => {
              errors.push(error.message);
              resolve();
            },
          },
        );
      });
    const all = Promise.all([send('/one'), send('/gone', true), send('/two'), send('/three')]);
    expect(pool.stats).toMatchObject({ connected: 1, running: 1, pending: 3 });
    await all;
    expect(answers).toEqual(['/one', '/two', '/three']);
    expect(errors).toEqual(['client left']);
    expect(upstream.received.map((request) => request.split(' ')[1])).toEqual(['/one', '/two', '/three']);
    expect(upstream.connections).toBe(1);
    expect(pool.stats).toMatchObject({ connected: 1, free: 1, running: 0, pending: 0 });
    await pool.destroy();
    await waitFor(() => pool.stats.connected === 0 && upstream.sockets.size === 0);
    await new Promise((resolve) => upstream.server.close(resolve));
  });
});
