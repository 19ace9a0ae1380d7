import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { HealthSpec, RestartSpec, ServiceName, describeZodError, fixedPortProblem, type RegisterSpec } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import type { ServiceRecord } from '../registry/registry.js';
import type { ServiceTypes } from './service-types.js';

/** What to store for a decoded spec: the name defaults to the type, the type fills in the program. */
export function buildServiceRecord(spec: RegisterSpec, types: ServiceTypes, now = Date.now()): { record: ServiceRecord; start: boolean } {
  const type = types.get(spec.type);
  const name = spec.name ?? spec.type;
  const validName = ServiceName.safeParse(name);
  if (!validName.success) {
    throw new HerveError('invalid_name', `service name "${name}" ${describeZodError(validName.error)}`, 'choose another with --name');
  }
  if (spec.cwd !== undefined) checkWorkingDirectory(spec.cwd);
  const program = type.resolve({ command: spec.command, args: spec.args, env: spec.env, options: spec.options, cwd: spec.cwd });
  const health = HealthSpec.parse({ path: program.healthPath, ...spec.health });
  const restart = RestartSpec.parse(spec.restart);
  checkFixedPort(spec.port, spec.replicas, name);
  const record: ServiceRecord = {
    uuid: randomUUID(),
    name,
    type: type.info.name,
    description: spec.description ?? program.description,
    command: program.command,
    args: program.args,
    cwd: spec.cwd ?? null,
    env: program.env,
    options: spec.options,
    replicas: spec.replicas,
    health,
    restart,
    port: spec.port ?? null,
    route: spec.route === false ? false : { path: spec.route.path ?? `/${name}`, hosts: spec.route.hosts },
    stop: { signal: spec.stop.signal, graceMs: spec.stop.graceMs ?? restart.stopGraceMs },
    watch: spec.watch ?? null,
    source: spec.source ?? null,
    dependsOn: spec.dependsOn,
    desired: spec.start ? 'running' : 'stopped',
    createdAt: now,
    restarts: 0,
  };
  return { record, start: spec.start };
}

function checkWorkingDirectory(cwd: string): void {
  if (!isAbsolute(cwd)) throw new HerveError('bad_request', `cwd must be an absolute path (got "${cwd}")`, 'pass a full path, e.g. --cwd "$PWD/api"');
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HerveError('bad_request', `cwd ${cwd} is not a directory`, 'create it or pass another folder with --cwd');
  }
}

function checkFixedPort(port: number | undefined, replicas: number, name: string): void {
  const problem = fixedPortProblem(port, replicas);
  if (problem === null) return;
  throw new HerveError('bad_request', `${name}: ${problem}`, 'drop the port (Herve then gives each replica a free one in $PORT) or set replicas to 1');
}
