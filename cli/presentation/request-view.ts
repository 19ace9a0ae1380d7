import type { RequestRecord } from '../../protocol/index.js';
import { formatBytes, formatClock, formatLatency } from './format.js';
import type { StatusColour } from './status.js';

/** The colour of an HTTP status: 5xx red, 4xx yellow, the rest plain. */
export function httpStatusColour(status: number): StatusColour | null {
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  return null;
}

/** `name[i]`, or the name alone when no instance answered. */
export function requestSource(record: RequestRecord): string {
  return record.instance === null ? record.service : `${record.service}[${record.instance}]`;
}

/** The columns `herve requests` and the dashboard's inspector show, in order. */
export const REQUEST_COLUMNS = [
  { header: 'TIME', width: 12 },
  { header: 'SERVICE', width: 16 },
  { header: 'METHOD', width: 7 },
  { header: 'STATUS', width: 6, align: 'right' },
  { header: 'LATENCY', width: 8, align: 'right' },
  { header: 'BYTES', width: 6, align: 'right' },
  { header: 'PATH', width: 0 },
] as const;

export function requestCells(record: RequestRecord): string[] {
  return [
    formatClock(record.at),
    requestSource(record),
    record.method,
    String(record.status),
    formatLatency(record.durationMs),
    formatBytes(record.bytes),
    record.path,
  ];
}
