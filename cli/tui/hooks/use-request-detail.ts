import { useEffect, useState } from 'react';
import type { LogLine, RequestHeaders } from '../../../protocol/index.js';
import type { DaemonClient } from '../../client/index.js';
import { requestIdPattern } from '../model/request-list.js';

export interface RequestDetail {
  headers: RequestHeaders['headers'] | null;
  /** The service's log lines that name the request id. */
  lines: readonly LogLine[];
  error: string | null;
}

const EMPTY: RequestDetail = { headers: null, lines: [], error: null };
const LOG_LINES = 50;

/** The opened request's headers (masked by the daemon) and its log lines, found by its request id. */
export function useRequestDetail(client: DaemonClient | null, opened: { service: string; requestId: string } | null): RequestDetail {
  const [detail, setDetail] = useState<RequestDetail>(EMPTY);
  useEffect(() => {
    setDetail(EMPTY);
    if (!client || opened === null) return;
    let active = true;
    const { service, requestId } = opened;
    const headers = client.call('requestHeaders', { service, requestId }).then(
      (result) => ({ headers: result.headers, error: null }),
      (error: unknown) => ({ headers: null, error: error instanceof Error ? error.message : String(error) }),
    );
    const lines = client.call('logs', { service, lines: LOG_LINES, grep: requestIdPattern(requestId) }).then(
      (result) => result.lines,
      () => [] as LogLine[],
    );
    void Promise.all([headers, lines]).then(([found, logLines]) => {
      if (active) setDetail({ headers: found.headers, lines: logLines, error: found.error });
    });
    return () => {
      active = false;
    };
  }, [client, opened]);
  return detail;
}
