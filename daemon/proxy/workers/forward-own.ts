import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendError } from '../../admin/http-replies.js';

/**
 * A worker hands Herve's own requests (`/`, the admin API, /metrics) to the daemon over its Unix
 * socket, which answers them as its front door does (the same Host and browser checks run there).
 * Rare and not on the proxy's hot path, so node's own client does it.
 */
export function ownRequestForwarder(socketPath: string): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return (req, res) => {
    const upstream = request({ socketPath, agent, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Streams (the event endpoints) must show their headers before their first chunk.
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 'bad_gateway', `the daemon did not answer this worker: ${error.message}`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
