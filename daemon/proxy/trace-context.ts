import { randomFillSync, randomUUID } from 'node:crypto';

/** A request's place in a W3C trace: what the front door forwards and records. */
export interface TraceContext {
  traceId: string;
  /** The front door's span (with tracing on), else the span the client named or a new one. */
  spanId: string;
  /** The client's span, when it sent a valid traceparent. */
  parentSpanId: string | null;
  /** Trace flags as two hex digits (`01`: sampled). */
  flags: string;
}

// version-traceid-parentid-flags; a later version may append fields (W3C Trace Context §3.2.4).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;
const SAMPLED = '01';

/** The client's traceparent, or null when absent or invalid (then it is replaced). */
export function parseTraceparent(value: string | undefined): { traceId: string; parentId: string; flags: string } | null {
  if (value === undefined) return null;
  const match = TRACEPARENT.exec(value);
  if (match === null) return null;
  const [, version, traceId, parentId, flags, rest] = match;
  // The pattern's four groups always match; only `rest` is optional.
  if (traceId === undefined || parentId === undefined || flags === undefined) return null;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return null;
  return { traceId, parentId, flags };
}

/**
 * The trace a request joins: the client's when it sent a valid traceparent, a new one otherwise.
 * With `ownSpan` (tracing on) the front door's span gets a new id and becomes the service's parent.
 */
export function traceContextFor(traceparent: string | undefined, ownSpan: boolean): TraceContext {
  const incoming = parseTraceparent(traceparent);
  if (incoming === null) return { traceId: randomHex(16), spanId: randomHex(8), parentSpanId: null, flags: SAMPLED };
  return {
    traceId: incoming.traceId,
    spanId: ownSpan ? randomHex(8) : incoming.parentId,
    parentSpanId: incoming.parentId,
    flags: incoming.flags,
  };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

/** The client's X-Request-Id when it is a plain token, a new UUID otherwise. */
export function requestIdFor(sent: string | undefined): string {
  return sent !== undefined && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}

// Trace and span ids for every request: one call into the CSPRNG per 4 KiB of ids rather than one per
// id, which stood out in the front door's CPU profile (README, Performance).
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const hex = POOL.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}
