import { z } from 'zod';

/** Names the admin API and the proxy keep for themselves. */
export const RESERVED_NAMES = ['services', 'health', 'metrics', '_herve'] as const;

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const ServiceName = z
  .string()
  .regex(NAME_PATTERN, {
    message:
      'must be 1-63 characters of lowercase letters, digits and dashes, starting with a letter or digit',
  })
  .refine((name) => !(RESERVED_NAMES as readonly string[]).includes(name), {
    message: `is reserved (${RESERVED_NAMES.join(', ')})`,
  });

/** A service named by its name or its uuid. */
export const ServiceRef = z.string().min(1, { message: 'a service name or uuid is required' });

export const RestartPolicy = z.enum(['always', 'on-failure', 'never']);
export type RestartPolicy = z.infer<typeof RestartPolicy>;

/** `joined`/`lost`: an external service whose members announce themselves (in routing / missed their beats). */
export const ServiceStatus = z.enum(['stopped', 'starting', 'running', 'unhealthy', 'stopping', 'crashed', 'joined', 'lost']);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** `backoff`: exited, waiting for its restart delay. */
export const InstanceStatus = z.enum([
  'stopped',
  'starting',
  'running',
  'unhealthy',
  'stopping',
  'backoff',
  'crashed',
  'joined',
  'lost',
]);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const DesiredState = z.enum(['running', 'stopped']);
export type DesiredState = z.infer<typeof DesiredState>;

const Millis = z.number().int().min(0).max(24 * 3600 * 1000);

export const HealthSpec = z.object({
  /** HTTP path probed on the instance; null = no probe, ready once spawned. */
  path: z.string().startsWith('/', { message: 'must start with /' }).nullable().default('/health'),
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

export const EnvMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'bad env var name' }), z.string());

/** What a user asks for when registering (CLI, socket, admin API, config file). */
export const RegisterSpec = z.object({
  type: z.string().min(1, { message: 'a service type is required' }),
  name: ServiceName.optional(),
  description: z.string().max(200).optional(),
  /** For type `command`: the program to run; for built-ins, filled by the type. */
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  cwd: z.string().optional(),
  env: EnvMap.default({}),
  /** Type-specific options, e.g. `{ root: "./public" }` for static. */
  options: z.record(z.string(), z.string()).default({}),
  replicas: z.number().int().min(1).max(64).default(1),
  health: HealthSpec.partial().default({}),
  restart: RestartSpec.partial().default({}),
  /** Start it right away (default) or just record it. */
  start: z.boolean().default(true),
});
export type RegisterSpec = z.output<typeof RegisterSpec>;
export type RegisterInput = z.input<typeof RegisterSpec>;

export const ExitInfo = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  at: z.number(),
});
export type ExitInfo = z.infer<typeof ExitInfo>;

export const InstanceInfo = z.object({
  index: z.number().int().min(0),
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  status: InstanceStatus,
  ready: z.boolean(),
  startedAt: z.number().nullable(),
  restarts: z.number().int().min(0),
  lastExit: ExitInfo.nullable(),
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
  desired: DesiredState,
  status: ServiceStatus,
  instances: z.array(InstanceInfo),
  restarts: z.number().int().min(0),
  createdAt: z.number(),
  /** Where the proxy serves it, e.g. http://localhost:5000/echo/ ; null without a proxy. */
  url: z.string().nullable(),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

export const ServiceTypeInfo = z.object({
  name: z.string(),
  description: z.string(),
  /** Option names the type understands, with a one-line meaning each. */
  options: z.record(z.string(), z.string()),
});
export type ServiceTypeInfo = z.infer<typeof ServiceTypeInfo>;
