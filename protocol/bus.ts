import { z } from 'zod';
import { describeZodError } from './codec.js';
import { MemberUrl } from './membership.js';
import { ServiceName } from './service.js';

/**
 * The Redis bus (`herve up --bus redis://HOST:PORT`): each daemon publishes a heartbeat every beat;
 * members answer each one with an ack; a member goes with a leave. Messages are JSON.
 */
export const BUS_CHANNELS = {
  heartbeat: 'herve:heartbeat',
  ack: 'herve:ack',
  leave: 'herve:leave',
} as const;

export const BUS_DEFAULT_BEAT_MS = 1000;
/** A member whose acks stopped for this many beats leaves routing. */
export const BUS_DEFAULT_MISSED_BEATS = 3;
/** A bus message longer than this is ignored. */
export const BUS_MAX_MESSAGE_BYTES = 4096;

const EXAMPLE = 'redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://… for TLS';

/** A problem with a bus URL, said without echoing it (it may hold a password); null when usable. */
export function busUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL; give it as ${EXAMPLE}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `must be redis:// or rediss:// (got ${url.protocol}//)`;
  if (url.hostname === '') return `names no host; give it as ${EXAMPLE}`;
  if (!/^(\/\d{0,2})?$/.test(url.pathname)) return `path must be a database number like /0 (got ${url.pathname})`;
  if (url.search || url.hash) return 'must not have a query or a fragment';
  return null;
}

export const BusUrl = z.string().superRefine((value, context) => {
  const problem = busUrlProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** The bus URL as it may be shown: a password (and user name) replaced by `***`. */
export function maskBusUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.username) url.username = '***';
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** On `herve:heartbeat`, every beat, from each daemon on the bus. */
export const BusHeartbeat = z.object({
  /** `host:pid` of the daemon that beats. */
  daemon: z.string(),
  beat: z.number().int(),
  beatMs: z.number().int(),
  missedBeats: z.number().int(),
});
export type BusHeartbeat = z.infer<typeof BusHeartbeat>;

/** On `herve:ack` (a member answers a heartbeat: it is here) and `herve:leave` (it goes at once). */
export const BusMember = z.object({ name: ServiceName, url: MemberUrl });
export type BusMember = z.infer<typeof BusMember>;

/** One message of `herve:ack` or `herve:leave`, or what is wrong with it. */
export function parseBusMember(message: string): BusMember | string {
  if (Buffer.byteLength(message) > BUS_MAX_MESSAGE_BYTES) return `longer than ${BUS_MAX_MESSAGE_BYTES} bytes`;
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return 'not JSON';
  }
  const parsed = BusMember.safeParse(raw);
  return parsed.success ? parsed.data : describeZodError(parsed.error);
}
