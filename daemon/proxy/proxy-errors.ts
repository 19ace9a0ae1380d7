import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../protocol/index.js';
import { sendJson, statusOf } from '../admin/http-replies.js';

export type ProxyErrorCode = Extract<ErrorCode, 'unknown_service' | 'no_ready_instance' | 'bad_gateway' | 'gateway_timeout'>;

/** Seconds a client is told to wait when no instance is ready. */
const RETRY_AFTER_SECONDS = '1';

/** The proxy's JSON error `{error, message, service}`; never a stack trace. */
export function sendProxyError(res: ServerResponse, code: ProxyErrorCode, message: string, service: string): number {
  const status = statusOf(code);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  const headers: Record<string, string> = code === 'no_ready_instance' ? { 'retry-after': RETRY_AFTER_SECONDS } : {};
  sendJson(res, status, { error: code, message, service }, headers);
  return status;
}
