// @ts-check
// Bare proxy cores measured side by side to choose the front door's (see daemon/proxy/README.md).
// Usage: PORT=<listen> UP=<backend port> taskset -c 0 node bench/proxy/candidates.mjs <mode>
//   modes: node | undici-dispatch | undici-stream | http-proxy ; then wrk against each from CPU 1.
import http from 'node:http';
import httpProxy from 'http-proxy';
import { Pool } from 'undici';

const mode = process.argv[2];
const upstreamPort = Number(process.env.UP);
/** @typedef {(req: http.IncomingMessage, res: http.ServerResponse) => void} Forward */

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** @param {http.IncomingMessage} req */
function upstreamHeaders(req) {
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  for (const key in req.headers) {
    const value = req.headers[key];
    if (!HOP.has(key) && value !== undefined) headers[key] = value;
  }
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  return headers;
}

/** @returns {Forward} */
function nodeForwarder() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });
  return (req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: upstreamHeaders(req), agent });
    upstream.on('response', (upstreamRes) => {
      const out = [];
      const raw = upstreamRes.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
      res.writeHead(upstreamRes.statusCode ?? 502, out);
      upstreamRes.pipe(res);
    });
    upstream.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  };
}

class StreamingHandler {
  /** @param {http.ServerResponse} res */
  constructor(res) {
    this.res = res;
  }
  onRequestStart() {}
  /**
   * @param {unknown} _controller
   * @param {number} status
   * @param {Record<string, string | string[] | undefined>} headers
   */
  onResponseStart(_controller, status, headers) {
    for (const key of HOP) delete headers[key];
    this.res.writeHead(status, headers);
  }
  /**
   * @param {{ pause(): void; resume(): void }} controller
   * @param {Buffer} chunk
   */
  onResponseData(controller, chunk) {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }
  onResponseEnd() {
    this.res.end();
  }
  onResponseError() {
    if (!this.res.headersSent) this.res.statusCode = 502;
    this.res.end();
  }
}

/** @returns {Forward} */
function undiciDispatch() {
  const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 256 });
  return (req, res) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
    pool.dispatch(
      { path: req.url ?? '/', method: /** @type {import('undici').Dispatcher.HttpMethod} */ (req.method), headers: upstreamHeaders(req), body },
      new StreamingHandler(res),
    );
  };
}

/** @returns {Forward} */
function undiciStream() {
  const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 256 });
  return (req, res) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
    pool
      .stream(
        { path: req.url ?? '/', method: /** @type {import('undici').Dispatcher.HttpMethod} */ (req.method), headers: upstreamHeaders(req), body },
        ({ statusCode, headers }) => {
          for (const key of HOP) delete headers[key];
          res.writeHead(statusCode, headers);
          return res;
        },
      )
      .catch(() => {
        res.statusCode = 502;
        res.end();
      });
  };
}

function httpProxyWithAgent() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${upstreamPort}`, agent });
  proxy.on('error', (_error, _req, res) => {
    if ('statusCode' in res) res.statusCode = 502;
    res.end();
  });
  /** @type {Forward} */
  const forward = (req, res) => proxy.web(req, res);
  return forward;
}

/** @type {Record<string, () => Forward>} */
const handlers = { node: nodeForwarder, 'undici-dispatch': undiciDispatch, 'undici-stream': undiciStream, 'http-proxy': httpProxyWithAgent };
if (mode === undefined || !handlers[mode]) {
  console.error(`mode must be one of ${Object.keys(handlers).join(', ')}`);
  process.exit(2);
}
const server = http.createServer(handlers[mode]());
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`PORT ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`));
