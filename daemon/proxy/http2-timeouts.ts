import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { FrontDoorLimits } from './connection-limits.js';

/**
 * HTTP/2's counterpart of the HTTP/1.1 timeouts, which Node applies to HTTP/1.1 only: a connection
 * must open its first stream within the header timeout and is closed after the keep-alive timeout
 * with no stream open; a request body must arrive whole within the request timeout. A response in
 * progress (an SSE stream, a long download) is never cut for being quiet.
 */
export function applyHttp2Timeouts(session: ServerHttp2Session, limits: FrontDoorLimits): void {
  let open = 0;
  let idle: NodeJS.Timeout | undefined;
  const closeAfter = (ms: number): void => {
    idle = setTimeout(() => session.close(), ms);
    idle.unref();
  };
  closeAfter(limits.headerTimeoutMs);
  session.on('stream', (stream: ServerHttp2Stream) => {
    open += 1;
    clearTimeout(idle);
    boundRequestBody(stream, limits.requestTimeoutMs);
    stream.once('close', () => {
      open -= 1;
      if (open === 0 && !session.closed) closeAfter(limits.keepAliveTimeoutMs);
    });
  });
  session.once('close', () => clearTimeout(idle));
}

/** Resets a stream whose request body has not ended within `ms` (0: no bound), as Node answers 408 on HTTP/1.1. */
function boundRequestBody(stream: ServerHttp2Stream, ms: number): void {
  if (ms === 0 || stream.endAfterHeaders) return;
  const deadline = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), ms);
  deadline.unref();
  const done = (): void => clearTimeout(deadline);
  stream.once('end', done);
  stream.once('close', done);
}
