import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../protocol/index.js';
import { HerveError } from '../errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** `{error, message, hint?}`: what every admin error looks like. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, hint?: string, headers?: Record<string, string>): void {
  sendJson(res, status, hint === undefined ? { error, message } : { error, message, hint }, headers);
}

const STATUS_OF: Record<ErrorCode, number> = {
  bad_json: 400,
  bad_request: 400,
  invalid_name: 400,
  unknown_type: 400,
  version_mismatch: 400,
  not_found: 404,
  unknown_method: 404,
  name_taken: 409,
  conflict: 409,
  roll_failed: 409,
  port_in_use: 409,
  shutting_down: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS_OF[code] ?? 500;
}

/** A HerveError becomes its status and body; anything else is a bug: logged, never shown. */
export function sendCaught(res: ServerResponse, error: unknown, log: (message: string) => void): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (error instanceof HerveError) {
    sendError(res, statusOf(error.code), error.code, error.message, error.hint);
    return;
  }
  log(`admin API: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  sendError(res, 500, 'internal', 'internal error; see the daemon log');
}
