import { z } from 'zod';

/** Names the admin API and the proxy keep for themselves. */
export const RESERVED_NAMES = ['services', 'health', 'metrics', '_herve'] as const;

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const ServiceName = z
  .string()
  .regex(NAME_PATTERN, {
    message: 'must be 1-63 characters of lowercase letters, digits and dashes, starting with a letter or digit',
  })
  .refine((name) => !(RESERVED_NAMES as readonly string[]).includes(name), {
    message: `is reserved (${RESERVED_NAMES.join(', ')})`,
  });

/** Text that reaches a path, a command line or an environment: a NUL byte would truncate or break it. */
function withoutNul(schema: z.ZodString) {
  return schema.refine((value) => !value.includes('\u0000'), { message: 'must not contain a NUL byte' });
}
const Text = withoutNul(z.string());

/** A service named by its name or its uuid. */
export const ServiceRef = z.string().min(1, { message: 'a service name or uuid is required' });

export const RestartPolicy = z.enum(['always', 'on-failure', 'never']);
export type RestartPolicy = z.infer<typeof RestartPolicy>;

/** `joined`/`lost`: an external service whose members announce themselves (in routing / missed their beats). */
export const ServiceStatus = z.enum(['stopped', 'starting', 'running', 'unhealthy', 'stopping', 'crashed', 'joined', 'lost']);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** `backoff`: exited, waiting for its restart delay. */
export const InstanceStatus = z.enum(['stopped', 'starting', 'running', 'unhealthy', 'stopping', 'backoff', 'crashed', 'joined', 'lost']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const DesiredState = z.enum(['running', 'stopped']);
export type DesiredState = z.infer<typeof DesiredState>;

/** A whole number in a range, with one message for every way to miss it (files, forms and flags show it as is). */
export function wholeNumberIn(min: number, max: number) {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const Millis = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600 * 1000);

/**
 * Passive health: what the front door sees of an instance's answers. Failures are connection
 * failures and timeouts, and 5xx answers when `count5xx`; see the README, "Passive health".
 */
export const PassiveHealthSpec = z
  .object({
    /** Failures within `failWindowMs` (a success in between starts over) that eject an instance; 0 = never eject. */
    maxFails: z.number().int().min(0).max(1000).default(3),
    failWindowMs: Millis.min(100).default(10_000),
    /** How long the first ejection lasts; each further one in a row doubles it (capped). */
    coolDownMs: Millis.min(100).default(10_000),
    /** Ejections in a row (no healthy period between) after which the instance is restarted instead; 0 = never. */
    restartAfterEjections: z.number().int().min(0).max(100).default(3),
    /** Count 5xx answers as failures too (default: only connection failures and timeouts, as nginx). */
    count5xx: z.boolean().default(false),
  })
  .strict();
export type PassiveHealthSpec = z.infer<typeof PassiveHealthSpec>;

export const HealthSpec = z.object({
  /** HTTP path probed on the instance; null = no HTTP probe. Used when neither `exec` nor `tcp` is set. */
  path: withoutNul(z.string().startsWith('/', { message: 'must start with /' }))
    .nullable()
    .default('/health'),
  /** Probe by opening a TCP connection to the instance's port (for services that do not speak HTTP). */
  tcp: z.boolean().default(false),
  /** Probe by running this program (no shell; `$PORT` expanded): exit 0 within the timeout = healthy. */
  exec: z
    .array(withoutNul(z.string().min(1)))
    .min(1)
    .max(256)
    .nullable()
    .default(null),
  // Every 2 s: ten services cost the daemon ten probes a second at 1 s, its largest idle expense.
  intervalMs: Millis.min(50).default(2000),
  timeoutMs: Millis.min(10).default(1000),
  /** Consecutive successes before an instance is ready again. */
  healthyThreshold: z.number().int().min(1).max(100).default(1),
  /** Consecutive failures of a ready instance before it is unhealthy. */
  unhealthyThreshold: z.number().int().min(1).max(100).default(3),
  /** An instance unhealthy this long (liveness) is restarted; 0 = never. */
  restartAfterMs: Millis.default(10_000),
  /** An instance that never turns ready within this time is restarted. */
  startTimeoutMs: Millis.min(100).default(30_000),
  passive: PassiveHealthSpec.prefault({}),
});
export type HealthSpec = z.infer<typeof HealthSpec>;

export const RestartSpec = z.object({
  policy: RestartPolicy.default('always'),
  backoffInitialMs: Millis.default(100),
  backoffMaxMs: Millis.default(30_000),
  /** Crashes within `crashLoopWindowMs` that mark the service `crashed`. */
  crashLoopLimit: z.number().int().min(1).max(1000).default(5),
  crashLoopWindowMs: Millis.min(1000).default(60_000),
  /** SIGTERM first; SIGKILL to the process group after this grace period. */
  stopGraceMs: Millis.default(5_000),
});
export type RestartSpec = z.infer<typeof RestartSpec>;

/** Signals a service may ask to be stopped with. */
export const StopSignal = z.enum(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL']);
export type StopSignal = z.infer<typeof StopSignal>;

export const StopSpec = z.object({
  /** Sent to the instance's process group to stop it. */
  signal: StopSignal.default('SIGTERM'),
  /** Then SIGKILL to the group after this long; defaults to `restart.stopGraceMs` (5 s). */
  graceMs: Millis.optional(),
});
export type StopSpec = z.infer<typeof StopSpec>;

const HOST_PATTERN = /^(?=.{1,253}$)[a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const ROUTE_PATH_PATTERN = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;

/** Where the front door sends requests for a service. */
export const RouteSpec = z
  .object({
    /** Path prefix (stripped before proxying, sent as X-Forwarded-Prefix); default `/<name>`. */
    path: z
      .string()
      .regex(ROUTE_PATH_PATTERN, { message: 'must look like /segment or /a/b, without a trailing slash' })
      .refine((path) => !(RESERVED_NAMES as readonly string[]).includes(path.split('/')[1] ?? ''), {
        message: `must not start with a reserved segment (${RESERVED_NAMES.join(', ')})`,
      })
      .optional(),
    /** Host names routed to it (path untouched), besides `<name>.localhost`. */
    hosts: z
      .array(z.string().toLowerCase().regex(HOST_PATTERN, { message: 'must be a host name without port, e.g. api.test' }))
      .max(64)
      .default([]),
  })
  .strict();
export type RouteSpec = z.infer<typeof RouteSpec>;

/** Resolved route as stored: `false` for a worker that serves no HTTP. */
export const ServiceRoute = z.union([z.literal(false), z.object({ path: z.string(), hosts: z.array(z.string()) })]);
export type ServiceRoute = z.infer<typeof ServiceRoute>;

/** Restart (rolling) when files change under `paths` (relative to the service's cwd). */
function bracesBalance(glob: string): boolean {
  let depth = 0;
  for (const char of glob) {
    if (char === '{') depth += 1;
    else if (char === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/** A path glob (`*`, `**`, `?`, `{a,b}`) relative to the service's cwd. */
export const Glob = withoutNul(z.string().min(1).max(256)).refine(bracesBalance, { message: 'unbalanced { } in the glob' });

export const WatchSpec = z
  .object({
    paths: z.array(z.string().min(1)).min(1).max(64),
    /** Glob patterns (relative to the cwd) to ignore besides node_modules and .git. */
    ignore: z.array(Glob).max(256).default([]),
    /** Changes within this window make one restart. */
    debounceMs: Millis.default(300),
  })
  .strict();
export type WatchSpec = z.infer<typeof WatchSpec>;

export const EnvMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'bad env var name' }), Text);

/** What a user asks for when registering (CLI, socket, admin API, config file). */
export const RegisterSpec = z.object({
  type: z.string().min(1, { message: 'a service type is required' }),
  name: ServiceName.optional(),
  description: z.string().max(200).optional(),
  /** For type `command`: the program to run; for built-ins, filled by the type. */
  command: withoutNul(z.string().min(1)).optional(),
  args: z.array(Text).default([]),
  cwd: Text.optional(),
  env: EnvMap.default({}),
  /** Type-specific options, e.g. `{ root: "./public" }` for static. */
  options: z.record(z.string(), Text).default({}),
  replicas: wholeNumberIn(1, 64).default(1),
  health: HealthSpec.partial().default({}),
  restart: RestartSpec.partial().default({}),
  /** A fixed port for a program that must own one (then `replicas` must be 1); default: a free port per instance. */
  port: z.number().int().min(1).max(65_535).optional(),
  /** `false`: no route (a worker); default `/<name>` and `<name>.localhost`. */
  route: z.union([z.literal(false), RouteSpec]).default({ hosts: [] }),
  stop: StopSpec.default({ signal: 'SIGTERM' }),
  watch: WatchSpec.optional(),
  /** Start it right away (default) or just record it. */
  start: z.boolean().default(true),
  /** The project file it came from (set by herve up/reload); none when registered by hand. */
  source: z.string().max(4096).optional(),
  /** Services it needs (a project file's depends_on): it starts after them and stops before them. */
  dependsOn: z.array(ServiceName).max(64).default([]),
});
export type RegisterSpec = z.output<typeof RegisterSpec>;
export type RegisterInput = z.input<typeof RegisterSpec>;

export const ExitInfo = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  at: z.number(),
});
export type ExitInfo = z.infer<typeof ExitInfo>;

/** Why and until when passive health took an instance out of rotation. */
export const InstanceEjection = z.object({
  /** Back in rotation at this time (ms since the epoch); null: until it has restarted. */
  until: z.number().nullable(),
  /** The failures that ejected it, e.g. 3. */
  failures: z.number().int().min(1),
  /** The last failure, e.g. `connect ECONNREFUSED`, `HTTP 500`, `timeout`. */
  reason: z.string(),
  /** Ejections in a row, this one included. */
  streak: z.number().int().min(1),
});
export type InstanceEjection = z.infer<typeof InstanceEjection>;

export const InstanceInfo = z.object({
  index: z.number().int().min(0),
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  status: InstanceStatus,
  ready: z.boolean(),
  startedAt: z.number().nullable(),
  restarts: z.number().int().min(0),
  lastExit: ExitInfo.nullable(),
  /** During a rolling restart: `old` (being replaced or draining) or `new` (its replacement). */
  roll: z.enum(['old', 'new']).optional(),
  /** Out of the routing table, finishing its in-flight requests before it is stopped. */
  draining: z.boolean().optional(),
  /** Out of rotation by passive health (see PassiveHealthSpec). */
  ejected: InstanceEjection.optional(),
});
export type InstanceInfo = z.infer<typeof InstanceInfo>;

export const ServiceInfo = z.object({
  uuid: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string(),
  command: z.string(),
  args: z.array(z.string()),
  cwd: z.string().nullable(),
  env: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  replicas: z.number().int(),
  health: HealthSpec,
  restart: RestartSpec,
  /** Fixed port, or null for a free one per instance. */
  port: z.number().int().nullable().default(null),
  route: ServiceRoute.default({ path: '/', hosts: [] }),
  stop: z.object({ signal: StopSignal, graceMs: z.number() }).default({ signal: 'SIGTERM', graceMs: 5000 }),
  watch: WatchSpec.nullable().default(null),
  /** The project file it came from; null when registered by hand (the CLI, the dashboard, the admin API). */
  source: z.string().nullable().default(null),
  /** The services it starts after and stops before. */
  dependsOn: z.array(z.string()).default([]),
  /** A rolling restart in progress: which replica of how many. */
  roll: z.object({ step: z.number().int(), of: z.number().int(), reason: z.string() }).nullable().default(null),
  desired: DesiredState,
  status: ServiceStatus,
  instances: z.array(InstanceInfo),
  restarts: z.number().int().min(0),
  createdAt: z.number(),
  /** Where the proxy serves it, e.g. http://localhost:5000/echo/ ; null without a proxy. */
  url: z.string().nullable(),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

/**
 * How a register, start, restart or stop came out, decided by the daemon when it answers; clients
 * report it as is. `crashed`: an instance exited while starting (it is restarted by its policy);
 * `pending`: not yet at rest (not waited for, or still starting when the daemon stopped waiting).
 */
export const Outcome = z.enum(['running', 'unhealthy', 'crashed', 'stopped', 'pending']);
export type Outcome = z.infer<typeof Outcome>;

export const LifecycleResult = ServiceInfo.extend({
  outcome: Outcome,
  /** How long the daemon waited for the outcome. */
  waitedMs: z.number().int().min(0),
});
export type LifecycleResult = z.infer<typeof LifecycleResult>;

/** Why a fixed port cannot go with these replicas, or null: every replica would have to listen on it. */
export function fixedPortProblem(port: number | undefined, replicas: number): string | null {
  if (port === undefined || replicas === 1) return null;
  return `a fixed port (${port}) allows only 1 replica, not ${replicas}: every replica would have to listen on it`;
}

export const ServiceTypeInfo = z.object({
  name: z.string(),
  description: z.string(),
  /** Option names the type understands, with a one-line meaning each. */
  options: z.record(z.string(), z.string()),
});
export type ServiceTypeInfo = z.infer<typeof ServiceTypeInfo>;
