import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, request, startService } from './service-process.js';
import { waitFor } from '../helpers/poll.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

afterEach(killAll);

interface Arrival {
  at: number;
  data: { count: number; time: string };
}

function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end();
  });
}

/** Records each `tick` event with the time its bytes arrived. */
function collectTicks(res: IncomingMessage): Arrival[] {
  const arrivals: Arrival[] = [];
  let buffered = '';
  res.setEncoding('utf8');
  res.on('data', (text: string) => {
    buffered += text;
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (block.includes('event: tick') && data) arrivals.push({ at: Date.now(), data: JSON.parse(data) });
      end = buffered.indexOf('\n\n');
    }
  });
  return arrivals;
}

describe('sse service', () => {
  it('streams tick events one by one, each flushed as it happens', async () => {
    const sse = await startService('sse', [], { SSE_INTERVAL_MS: '600' });
    const { req, res } = await openStream(sse.port, '/events');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const arrivals = collectTicks(res);
    await waitFor(() => arrivals.length >= 4, { message: 'four events' });
    expect(arrivals.slice(0, 4).map((arrival) => arrival.data.count)).toEqual([1, 2, 3, 4]);
    const created = firstItems(arrivals, 4).map((arrival) => Date.parse(arrival.data.time));
    expect(created.every((time) => !Number.isNaN(time))).toBe(true);
    for (let i = 1; i < 4; i++) {
      // Spaced by the service's clock, not by when this process got round to reading them.
      expect(itemAt(created, i) - itemAt(created, i - 1)).toBeGreaterThanOrEqual(500);
      // Flushed: each event was here before the service made the next one.
      expect(itemAt(arrivals, i - 1).at).toBeLessThan(itemAt(created, i));
    }
    req.destroy();
  });

  it('serves / as well, resumes from Last-Event-ID, sends heartbeats, and 404s other paths', async () => {
    const sse = await startService('sse', [], { SSE_INTERVAL_MS: '100', SSE_HEARTBEAT_MS: '100' });
    const { req, res } = await openStream(sse.port, '/', { 'last-event-id': '41' });
    let raw = '';
    res.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    await waitFor(() => raw.includes('"count":42') && raw.includes(': heartbeat'), { message: 'event 42 and a heartbeat' });
    req.destroy();
    expect((await request(sse.port, '/other')).status).toBe(404);
  });

  it('lets go of a client that disconnects, and ends open streams on SIGTERM with exit 0', async () => {
    const sse = await startService('sse', [], { SSE_INTERVAL_MS: '50' });
    const openStreams = async (): Promise<number> => JSON.parse((await request(sse.port, '/health')).text).openStreams;
    const first = await openStream(sse.port, '/events');
    const second = await openStream(sse.port, '/events');
    collectTicks(second.res);
    await waitFor(async () => (await openStreams()) === 2, { message: 'two open streams' });
    first.req.destroy();
    await waitFor(async () => (await openStreams()) === 1, { message: 'the stream to be released' });
    const ended = new Promise<void>((resolve) => second.res.on('end', resolve));
    sse.child.kill('SIGTERM');
    await ended;
    expect(await sse.exited).toBe(0);
  });
});
