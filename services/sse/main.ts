import type { IncomingMessage, ServerResponse } from 'node:http';
import { envInteger, requestUrl, sendError } from '../shared/http-helpers.js';
import { runService } from '../shared/service-server.js';
import { openEventStream } from './event-stream.js';

const timings = {
  intervalMs: Math.max(10, envInteger('SSE_INTERVAL_MS', 1000)),
  heartbeatMs: Math.max(100, envInteger('SSE_HEARTBEAT_MS', 15_000)),
};
const openStreams = new Set<() => void>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = requestUrl(req.url).pathname;
  if (path !== '/' && path !== '/events') {
    sendError(res, 404, 'not_found', `${path}: events are served at /events (and /)`);
    return;
  }
  if (req.method !== 'GET') {
    sendError(res, 405, 'method_not_allowed', 'the event stream is read with GET', { allow: 'GET' });
    return;
  }
  const close = openEventStream(req, res, timings, () => openStreams.delete(close));
  openStreams.add(close);
}

runService({
  name: 'sse',
  handle,
  healthDetails: () => ({ openStreams: openStreams.size }),
  // Streams never finish on their own: end them so the server can close.
  onShutdown: () => {
    for (const close of [...openStreams]) close();
  },
});
