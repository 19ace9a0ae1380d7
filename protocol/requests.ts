import { z } from 'zod';
import { DURATION_ERROR, durationMillis } from './duration.js';
import { ServiceRef } from './service.js';

/** One proxied request, as the access log and `herve requests` show it. */
export const RequestRecord = z.object({
  /** Epoch milliseconds when the request arrived. */
  at: z.number(),
  service: z.string(),
  /** The replica that answered; null when none was ready. */
  instance: z.number().int().nullable(),
  method: z.string(),
  /** The path and query as the client sent them. */
  path: z.string(),
  status: z.number().int(),
  bytes: z.number().int(),
  durationMs: z.number(),
  /** Until the upstream's response headers; null when it gave none. */
  upstreamMs: z.number().nullable(),
  requestId: z.string(),
  traceId: z.string(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/** `5xx`, `4xx`… a status class, or one status such as `404`. */
export const StatusFilter = z.string().regex(/^[1-5](xx|\d\d)$/, { message: 'expected a status class like 5xx or 4xx, or a status like 404' });

/** A minimum duration (`200ms`, `1.5s`): turned into milliseconds. */
export const SlowFilter = z.string().transform((text, context) => {
  const ms = durationMillis(text);
  if (ms === null) context.addIssue({ code: 'custom', message: DURATION_ERROR });
  return ms ?? 0;
});

export const RequestsParams = z.object({
  /** Omit for every service. */
  service: ServiceRef.optional(),
  lines: z.number().int().min(0).max(100_000).default(100),
  status: StatusFilter.optional(),
  /** Only requests that took at least this many milliseconds. */
  slowMs: z.number().min(0).optional(),
});
export type RequestsParams = z.output<typeof RequestsParams>;

/** Header names whose values are secrets: masked when the front door captures them. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_WORDS = /token|secret|key/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_WORDS.test(name);
}

/** The request headers of one recent request, secrets masked. */
export const RequestHeaders = z.object({
  service: z.string(),
  requestId: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
});
export type RequestHeaders = z.infer<typeof RequestHeaders>;

/** A predicate for the filters, so the daemon and a live follower apply the same rule. */
export function requestFilter(status: string | undefined, slowMs: number | undefined): (record: RequestRecord) => boolean {
  const statusOk = statusMatcher(status);
  return (record) => statusOk(record.status) && (slowMs === undefined || record.durationMs >= slowMs);
}

function statusMatcher(status: string | undefined): (code: number) => boolean {
  if (status === undefined) return () => true;
  if (status.endsWith('xx')) {
    const statusClass = Number(status[0]);
    return (code) => Math.floor(code / 100) === statusClass;
  }
  const exact = Number(status);
  return (code) => code === exact;
}
