import { z } from 'zod';
import { InstanceEjection, LifecycleResult, RegisterSpec, ServiceInfo, ServiceRef, ServiceTypeInfo } from './service.js';
import { DEFAULT_LOG_LINES } from './constants.js';
import { AnnounceParams, AnnounceResult, LeaveParams, LeaveResult } from './membership.js';
import { ApplyParams, ApplyResult, ProjectState, ReloadInfo } from './project-apply.js';

export const UpdateResult = z.object({
  service: ServiceInfo,
  /** Spec fields that differed (empty: nothing to do). */
  changed: z.array(z.string()),
  /** Its instances were replaced by a rolling restart. */
  rolled: z.boolean(),
});
export type UpdateResult = z.infer<typeof UpdateResult>;
import { LogLine, StatsSnapshot } from './telemetry.js';
import { RequestHeaders, RequestRecord, RequestsParams } from './requests.js';

/** A socket line longer than this closes the connection. */
export const MAX_LINE_BYTES = 1024 * 1024;

const Empty = z.object({}).strict().default({});
const Target = z.object({
  service: ServiceRef,
  /** Wait until the operation comes to rest (its outcome) before answering. */
  wait: z.boolean().default(true),
});

/**
 * Every method: its params and its result, typed once.
 * The daemon dispatches through a `{ [M in Method]: Handler<M> }` map built from this.
 */
export const methods = {
  hello: {
    params: z.object({ version: z.number().int(), client: z.string().max(100).optional() }),
    result: z.object({
      version: z.number().int(),
      pid: z.number().int(),
      startedAt: z.number(),
      home: z.string(),
      socket: z.string(),
      proxyPort: z.number().int().nullable(),
      /** The Redis bus members join over (`herve up --bus`), its password masked; null: none. */
      bus: z.string().nullable().default(null),
      /** The front door's HTTPS port (`herve up --https`); absent from a daemon older than it, hence the default. */
      httpsPort: z.number().int().nullable().default(null),
    }),
  },
  ping: { params: Empty, result: z.object({ pong: z.literal(true), pid: z.number().int(), uptimeMs: z.number() }) },
  list: { params: Empty, result: z.object({ services: z.array(ServiceInfo) }) },
  get: { params: z.object({ service: ServiceRef }), result: ServiceInfo },
  types: { params: Empty, result: z.object({ types: z.array(ServiceTypeInfo) }) },
  register: { params: RegisterSpec, result: LifecycleResult },
  unregister: { params: z.object({ service: ServiceRef }), result: z.object({ uuid: z.string(), name: z.string() }) },
  start: { params: Target, result: LifecycleResult },
  stop: { params: Target, result: LifecycleResult },
  restart: {
    params: Target.extend({
      /** Replace instances one at a time, each new one ready before its predecessor drains and stops (zero downtime). */
      rolling: z.boolean().default(false),
    }),
    result: LifecycleResult,
  },
  /**
   * Replace a registered service's spec (same name; `start` is ignored). A change to what runs
   * (type, command, args, cwd, env, options, health, port) rolls the running instances with zero
   * downtime, `replicas` scales, the rest applies at once. Answers once done; a failed roll answers
   * `roll_failed` (the old instances keep serving, the old spec stays).
   */
  update: { params: z.object({ service: ServiceRef, spec: RegisterSpec }), result: UpdateResult },
  logs: {
    params: z.object({
      /** Omit for every service. */
      service: ServiceRef.optional(),
      lines: z.number().int().min(0).max(1_000_000).default(DEFAULT_LOG_LINES),
      grep: z.string().max(1000).optional(),
    }),
    result: z.object({ lines: z.array(LogLine) }),
  },
  /** The last proxied requests (newest last), from memory or the access log. */
  requests: { params: RequestsParams, result: z.object({ requests: z.array(RequestRecord) }) },
  /** The request headers of one of a service's last requests (the front door keeps the last few). */
  requestHeaders: { params: z.object({ service: ServiceRef, requestId: z.string().max(200) }), result: RequestHeaders },
  stats: { params: Empty, result: StatsSnapshot },
  subscribe: {
    params: z.object({
      /** `services`, `stats`, `logs` or `requests` (every service), `logs:<name>` or `requests:<name>`. */
      topics: z
        .array(
          z.string().regex(/^(services|stats|logs|requests|(logs|requests):[a-z0-9][a-z0-9-]{0,62})$/, {
            message: 'topics are services, stats, logs, requests, logs:<name> or requests:<name>',
          }),
        )
        .min(1),
    }),
    result: z.object({ topics: z.array(z.string()) }),
  },
  announce: { params: AnnounceParams, result: AnnounceResult },
  leave: { params: LeaveParams, result: LeaveResult },
  shutdown: { params: Empty, result: z.object({ stopping: z.literal(true) }) },
  apply: { params: ApplyParams, result: ApplyResult },
  project: { params: Empty, result: ProjectState },
} as const;

export type Method = keyof typeof methods;
export type ParamsInput<M extends Method> = z.input<(typeof methods)[M]['params']>;
export type Params<M extends Method> = z.output<(typeof methods)[M]['params']>;
export type Result<M extends Method> = z.output<(typeof methods)[M]['result']>;

export const RequestId = z.union([z.number().int(), z.string().max(100)]);

/** First pass over a request line: the envelope; params are checked against the method next. */
export const RequestEnvelope = z.object({
  id: RequestId,
  method: z.string(),
  params: z.unknown().optional(),
});

/**
 * Every error code Herve answers with, on the socket (`error.code`), from the admin API and from
 * the proxy (`{"error": code}`): one vocabulary, each code with one HTTP status (daemon/admin/http-replies.ts).
 */
export const ErrorCode = z.enum([
  'bad_json',
  'bad_request',
  'unsupported_media_type',
  'unknown_method',
  'version_mismatch',
  'not_found',
  'invalid_name',
  'name_taken',
  'unknown_type',
  'port_in_use',
  'conflict',
  'roll_failed',
  'shutting_down',
  'internal',
  // HTTP only: the admin API.
  'unauthorized',
  'admin_disabled',
  'method_not_allowed',
  'payload_too_large',
  // HTTP only: browser safety (a page of another origin, a rebound Host) and connection limits.
  'cross_origin',
  'simple_request',
  'preflight_refused',
  'misdirected_request',
  'too_many_connections',
  // HTTP only: the proxy.
  'unknown_service',
  'no_ready_instance',
  'bad_gateway',
  'gateway_timeout',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The next step a person can take, when there is one. */
  hint: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Response = z.discriminatedUnion('ok', [
  z.object({ id: RequestId.nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: RequestId.nullable(), ok: z.literal(false), error: ErrorBody }),
]);
export type Response = z.infer<typeof Response>;

/** Passive health took an instance out of rotation, let it back, or restarts it (also told as a `service` event). */
export const InstanceHealthChange = z.object({
  service: z.string(),
  instance: z.number().int().min(0),
  change: z.enum(['ejected', 'returned', 'restarting']),
  /** The ejection (for `returned`: the one that ended). */
  ejection: InstanceEjection,
  /** The line written to the service's log, e.g. `instance 1 ejected after 3 failures: HTTP 500; back in 10 s`. */
  message: z.string(),
});
export type InstanceHealthChange = z.infer<typeof InstanceHealthChange>;

export const Event = z.discriminatedUnion('event', [
  z.object({ event: z.literal('service'), data: ServiceInfo }),
  z.object({ event: z.literal('service.removed'), data: z.object({ uuid: z.string(), name: z.string() }) }),
  z.object({ event: z.literal('stats'), data: StatsSnapshot }),
  z.object({ event: z.literal('log'), data: LogLine }),
  z.object({ event: z.literal('request'), data: RequestRecord }),
  /** The last event to a subscriber that fell too far behind: the daemon closes its connection next. */
  z.object({ event: z.literal('lagged'), data: z.object({ unsentBytes: z.number().int(), limitBytes: z.number().int(), message: z.string() }) }),
  z.object({ event: z.literal('reload'), data: ReloadInfo }),
  z.object({ event: z.literal('instance.health'), data: InstanceHealthChange }),
]);
export type Event = z.infer<typeof Event>;
export type EventName = Event['event'];
