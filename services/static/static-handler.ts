import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { forwardedPrefix, sendError } from '../shared/http-helpers.js';
import { parseRange } from './byte-range.js';
import { contentTypeFor } from './content-types.js';
import { resolveUnderRoot } from './safe-path.js';

/** Serves files under `realRoot` (a real path) to GET and HEAD, with index.html, ETags, 304s and ranges. */
export function createStaticHandler(realRoot: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'method_not_allowed', 'only GET and HEAD are served', { allow: 'GET, HEAD' });
      return;
    }
    // The raw target, not a parsed URL: the URL parser would quietly resolve `..` before we could refuse it.
    const [rawPath, query] = splitTarget(req.url ?? '/');
    if (!rawPath.startsWith('/')) {
      sendError(res, 400, 'bad_path', 'the request path must start with /');
      return;
    }
    const resolved = await resolveUnderRoot(realRoot, rawPath);
    if (!resolved.ok) {
      sendError(res, resolved.status, resolved.status === 404 ? 'not_found' : 'forbidden', `${rawPath}: ${resolved.reason}`);
      return;
    }
    let file = resolved.path;
    let info = await stat(file);
    if (info.isDirectory()) {
      if (!rawPath.endsWith('/')) {
        // One leading slash only: `//host/dir` would be a redirect to another site.
        const location = `${forwardedPrefix(req.headers['x-forwarded-prefix'])}${rawPath.replace(/^\/+/, '/')}/${query}`;
        res.writeHead(301, { location, 'content-length': 0 });
        res.end();
        return;
      }
      file = join(file, 'index.html');
      const index = await stat(file).catch(() => null);
      if (!index?.isFile()) {
        sendError(res, 404, 'not_found', `${rawPath}: no index.html in this directory`);
        return;
      }
      info = index;
    }
    if (!info.isFile()) {
      sendError(res, 404, 'not_found', `${rawPath}: not a regular file`);
      return;
    }
    await sendFile(req, res, file, info);
  };
}

function splitTarget(target: string): [string, string] {
  const mark = target.indexOf('?');
  return mark < 0 ? [target, ''] : [target.slice(0, mark), target.slice(mark)];
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, info: Stats): Promise<void> {
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const validators = { etag, 'last-modified': info.mtime.toUTCString(), 'cache-control': 'no-cache' };
  if (isNotModified(req, etag, info.mtime)) {
    res.writeHead(304, validators);
    res.end();
    return;
  }
  const rangeHeader = rangeApplies(req, etag) ? req.headers.range : undefined;
  const range = parseRange(rangeHeader, info.size);
  if (range.kind === 'unsatisfiable') {
    sendError(res, 416, 'range_not_satisfiable', `the file has ${info.size} bytes`, { 'content-range': `bytes */${info.size}` });
    return;
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.size - 1];
  res.writeHead(range.kind === 'partial' ? 206 : 200, {
    ...validators,
    'content-type': contentTypeFor(file),
    'content-length': Math.max(0, end - start + 1),
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
    ...(range.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
  });
  if (req.method === 'HEAD' || info.size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(file, { start, end }), res);
  } catch {
    // The client left, or the file vanished mid-read: the response is already cut.
  }
}

function isNotModified(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((tag) => {
      const candidate = tag.trim();
      return candidate === '*' || candidate.replace(/^W\//, '') === etag;
    });
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/** `If-Range` keeps a range only while the file is the one the client already holds part of. */
function rangeApplies(req: IncomingMessage, etag: string): boolean {
  const ifRange = req.headers['if-range'];
  return ifRange === undefined || String(ifRange).trim() === etag;
}
