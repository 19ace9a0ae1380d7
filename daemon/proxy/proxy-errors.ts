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

/** Upstream errors that say the instance failed (not the client): what passive health counts, in its words. */
const UPSTREAM_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connect ECONNREFUSED',
  ECONNRESET: 'connection reset (ECONNRESET)',
  EPIPE: 'connection closed while sending (EPIPE)',
  UND_ERR_SOCKET: 'connection closed (UND_ERR_SOCKET)',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout (no response headers)',
  HERVE_UPSTREAM_PROTOCOL: 'malformed response',
};

/** How an upstream failure is told in the service's log, or undefined when the error is not the instance's. */
export function upstreamFailure(error: Error): string | undefined {
  return UPSTREAM_FAILURES[(error as NodeJS.ErrnoException).code ?? ''];
}
