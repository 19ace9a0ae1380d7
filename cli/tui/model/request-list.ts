import type { RequestRecord } from '../../../protocol/index.js';

/** How the inspector tells requests apart (a client may reuse a request id). */
export function requestKey(record: RequestRecord): string {
  return `${record.at}|${record.requestId}`;
}

/** The highlighted request: the one with `selectedKey`, else the newest. */
export function selectedRequest(requests: readonly RequestRecord[], selectedKey: string | null): RequestRecord | undefined {
  if (selectedKey !== null) {
    const found = requests.find((record) => requestKey(record) === selectedKey);
    if (found) return found;
  }
  return requests[requests.length - 1];
}

/** A window of `rows` requests that keeps the highlighted one in view (the newest at the bottom). */
export function visibleRequests(requests: readonly RequestRecord[], selected: RequestRecord | undefined, rows: number): readonly RequestRecord[] {
  const index = selected === undefined ? requests.length - 1 : requests.indexOf(selected);
  const from = Math.max(0, Math.min(index, requests.length - rows));
  return requests.slice(from, from + Math.max(0, rows));
}

/** The regular expression that finds a request id in log lines, whatever characters it has. */
export function requestIdPattern(requestId: string): string {
  return requestId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
