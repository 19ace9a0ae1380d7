import { z } from 'zod';
import { DURATION_ERROR, DURATION_PATTERN } from './duration.js';
import { FrontDoorWorkers } from './front-door-workers.js';
import { fixedPortProblem, Glob, HealthSpec, RestartPolicy, RouteSpec, ServiceName, StopSignal, wholeNumberIn } from './service.js';

/** The project file's name in a directory, and the largest file Herve reads. */
export const PROJECT_FILE_NAME = 'herve.yaml';
export const MAX_PROJECT_FILE_BYTES = 1024 * 1024;

/** Milliseconds as a number, or `500ms`, `2s`, `1.5s`, `1m`. */
const Duration = z.union([z.number().int().min(0), z.string().regex(DURATION_PATTERN, { error: DURATION_ERROR })], { error: DURATION_ERROR });
const Count = wholeNumberIn(1, 100);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name (letters, digits, _)' });
const Scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const Words = z.array(z.string().min(1)).min(1);

export const DependsCondition = z.enum(['started', 'healthy', 'completed_successfully']);
export type DependsCondition = z.infer<typeof DependsCondition>;

const Passive = z
  .object({
    max_fails: wholeNumberIn(0, 1000).optional().describe('failures within fail_window that eject an instance; 0 = never eject'),
    fail_window: Duration.optional(),
    cool_down: Duration.optional().describe('how long the first ejection lasts; doubled for each one in a row'),
    restart_after_ejections: wholeNumberIn(0, 100).optional().describe('restart an instance ejected this many times in a row; 0 = never'),
    count_5xx: z.boolean().optional().describe('count 5xx answers as failures too, not only connection failures and timeouts'),
  })
  .strict()
  .describe('passive health: what the front door sees of the answers');

const Health = z
  .object({
    http: HealthSpec.shape.path.unwrap().unwrap().optional().describe('HTTP path that answers 2xx when ready'),
    tcp: z.literal(true).optional().describe('ready once its port accepts a TCP connection'),
    exec: Words.optional().describe('ready once this program exits 0 ($PORT expanded)'),
    interval: Duration.optional(),
    timeout: Duration.optional(),
    start_timeout: Duration.optional().describe('restart an instance not ready within this'),
    healthy_threshold: Count.optional(),
    unhealthy_threshold: Count.optional(),
    restart_after: Duration.optional().describe('restart an instance unhealthy this long; 0 = never'),
    passive: Passive.optional(),
  })
  .strict();

const Restart = z
  .object({
    policy: RestartPolicy.optional(),
    backoff: z.object({ initial: Duration.optional(), max: Duration.optional() }).strict().optional(),
    crash_loop: z
      .object({ limit: wholeNumberIn(1, 1000).optional(), window: Duration.optional() })
      .strict()
      .optional(),
  })
  .strict();

const Watch = z
  .object({
    paths: Words.max(64),
    ignore: z.array(Glob).max(256).optional(),
    debounce: Duration.optional(),
  })
  .strict();

export const ProjectService = z
  .object({
    description: z.string().max(200).optional(),
    type: z.string().min(1).optional().describe('a built-in type (echo, static, sse); or give command'),
    command: z.union([z.string().min(1), Words], { error: 'expected a command line or a list of words' }).optional(),
    options: z.record(z.string(), Scalar).optional().describe('type options, e.g. root for static'),
    cwd: z.string().min(1).optional().describe('relative to the file'),
    env: z.record(EnvName, Scalar).optional(),
    env_file: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .optional()
      .describe('dotenv files, relative to the file; env wins'),
    replicas: wholeNumberIn(1, 64).optional(),
    port: z.number().int().min(1).max(65_535).optional().describe('a fixed port for a program that must own one'),
    route: z
      .union([z.literal(false), z.object({ prefix: RouteSpec.shape.path, hosts: RouteSpec.shape.hosts.optional() }).strict()])
      .optional()
      .describe('false for a worker that serves no HTTP; default /<name> and <name>.localhost'),
    health: z.union([z.literal('none'), Health]).optional(),
    restart: z.union([RestartPolicy, Restart]).optional(),
    stop: z.object({ signal: StopSignal.optional(), grace: Duration.optional() }).strict().optional(),
    depends_on: z
      .union([z.array(ServiceName), z.record(ServiceName, z.union([DependsCondition, z.object({ condition: DependsCondition }).strict()]))])
      .optional(),
    watch: z
      .union([Words.max(64), Watch])
      .optional()
      .describe('restart (rolling) when these paths change'),
  })
  .strict()
  .superRefine((service, context) => {
    const problem = fixedPortProblem(service.port, service.replicas ?? 1);
    if (problem !== null) context.addIssue({ code: 'custom', path: ['port'], message: problem });
  });
export type ProjectService = z.infer<typeof ProjectService>;

/** `https:` at the top of herve.yaml: what `herve up --https [--https-port N]` asks for, when the daemon starts. */
export const ProjectHttps = z
  .union([z.boolean(), z.object({ port: z.number().int().min(0).max(65_535).optional().describe('default 5443; 0 picks a free one') }).strict()], {
    error: 'expected true, false or { port: N }',
  })
  .describe('serve the front door over HTTPS too, with a certificate from a local CA (as herve up --https)');
export type ProjectHttps = z.infer<typeof ProjectHttps>;

/** `herve.yaml`: the services of a project, whether the front door also speaks HTTPS, and on how many processes. */
export const ProjectFile = z
  .object({
    https: ProjectHttps.optional(),
    workers: FrontDoorWorkers.optional(),
    services: z.record(ServiceName, ProjectService),
  })
  .strict();
export type ProjectFile = z.infer<typeof ProjectFile>;

/** The JSON Schema editors use to check and complete herve.yaml (what `herve schema` prints). */
export function projectJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ProjectFile, { io: 'input', unrepresentable: 'any' }),
    title: 'herve.yaml',
    description: 'A Herve project: the services it runs. Every key is described in the README, section "Project file".',
  };
}
