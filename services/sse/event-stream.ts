import type { IncomingMessage, ServerResponse } from 'node:http';

export interface StreamTimings {
  intervalMs: number;
  heartbeatMs: number;
}

/**
 * One client's event stream: a `tick` event every interval (counter and time) and a
 * comment heartbeat so idle proxies keep the connection; every timer goes when the client does.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, timings: StreamTimings, onClose: () => void): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
  const resumeFrom = Number(req.headers['last-event-id']);
  let counter = Number.isSafeInteger(resumeFrom) && resumeFrom >= 0 ? resumeFrom : 0;
  res.write(`retry: 2000\n: connected\n\n`);

  const tick = setInterval(() => {
    counter++;
    res.write(`id: ${counter}\nevent: tick\ndata: ${JSON.stringify({ count: counter, time: new Date().toISOString() })}\n\n`);
  }, timings.intervalMs);
  const heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), timings.heartbeatMs);

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(tick);
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
    onClose();
  };
  res.on('close', close);
  return close;
}
