import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';

/** On every reply of Herve's own: a browser neither guesses another content type nor keeps a copy. */
export const UNSNIFFED_UNCACHED = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...UNSNIFFED_UNCACHED,
    ...headers,
  });
  res.end(text);
}

/** `{error, message, hint?}`: what every admin error looks like, with its code's status. */
export function sendError(res: ServerResponse, error: ErrorCode, message: string, hint?: string, headers?: Record<string, string>): void {
  sendJson(res, statusOf(error), hint === undefined ? { error, message } : { error, message, hint }, headers);
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
  unsupported_media_type: 415,
  conflict: 409,
  roll_failed: 409,
  port_in_use: 409,
  shutting_down: 503,
  internal: 500,
  unauthorized: 401,
  admin_disabled: 503,
  method_not_allowed: 405,
  payload_too_large: 413,
  cross_origin: 403,
  simple_request: 403,
  preflight_refused: 403,
  misdirected_request: 421,
  too_many_connections: 503,
  unknown_service: 404,
  no_ready_instance: 503,
  bad_gateway: 502,
  gateway_timeout: 504,
};

export function statusOf(code: ErrorCode): number {
  return STATUS_OF[code];
}

/** A HerveError becomes its status and body; anything else is a bug: logged, never shown. */
export function sendCaught(res: ServerResponse, error: unknown, log: (message: string) => void): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (error instanceof HerveError) {
    sendError(res, error.code, error.message, error.hint);
    return;
  }
  log(`admin API: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  sendError(res, 'internal', 'internal error; see the daemon log');
}
