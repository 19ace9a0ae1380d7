import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestUrl, sendError, sendJson } from '../shared/http-helpers.js';
import { streamBytes } from './stream-bytes.js';

/** Only this much of a body is kept as text; the rest is counted, not held. */
export const BODY_TEXT_LIMIT = 64 * 1024;
const MAX_DOWNLOAD_BYTES = 64 * 1024 ** 3;
const BYTES_PATH = /^\/bytes\/(\d+)$/;

interface ReadBody {
  text: string;
  bytes: number;
  truncated: boolean;
}

/** Echoes the request back as JSON (or text with `?format=text`), or streams N bytes on /bytes/N or `x-echo-bytes: N`. */
export async function handleEcho(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req.url);
  const wanted = BYTES_PATH.exec(url.pathname)?.[1] ?? headerValue(req, 'x-echo-bytes');
  if (wanted !== undefined) {
    const count = Number(wanted);
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_DOWNLOAD_BYTES) {
      req.resume();
      sendError(res, 400, 'bad_byte_count', `byte count must be an integer from 0 to ${MAX_DOWNLOAD_BYTES}`);
      return;
    }
    req.resume();
    await streamBytes(res, count);
    return;
  }
  const body = await readBody(req);
  const echo = {
    method: req.method,
    path: url.pathname,
    query: queryObject(url.searchParams),
    headers: req.headers,
    body: body.text,
    bodyBytes: body.bytes,
    bodyTruncated: body.truncated,
    instance: process.env.HERVE_INSTANCE ?? null,
    pid: process.pid,
  };
  if (url.searchParams.get('format') === 'text') {
    sendText(res, asText(echo, req));
    return;
  }
  sendJson(res, 200, echo);
}

async function readBody(req: IncomingMessage): Promise<ReadBody> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (keptBytes < BODY_TEXT_LIMIT) {
      const part = chunk.subarray(0, BODY_TEXT_LIMIT - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
  }
  return { text: Buffer.concat(kept).toString('utf8'), bytes, truncated: bytes > keptBytes };
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    const [only] = values;
    query[key] = values.length === 1 && only !== undefined ? only : values;
  }
  return query;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function asText(echo: { method?: string; bodyBytes: number; body: string }, req: IncomingMessage): string {
  const headerLines: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headerLines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${echo.method} ${req.url} HTTP/${req.httpVersion}\n${headerLines.join('\n')}\n\n${echo.body}${echo.body ? '\n' : ''}`;
}

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
