import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { EXTERNAL_TYPE, PROJECT_FILE_NAME, probeKind, type ProjectService, type ServiceInfo } from '../../protocol/index.js';
import { UserError } from '../client/index.js';
import { withDaemon } from '../daemon/connect.js';
import { writeOut } from '../output/output.js';

function healthOf(service: ServiceInfo): ProjectService['health'] {
  switch (probeKind(service.health)) {
    case 'none':
      return 'none';
    case 'tcp':
      return { tcp: true };
    case 'exec':
      return { exec: service.health.exec! };
    case 'http':
      return service.health.path === '/health' ? undefined : { http: service.health.path! };
  }
}

/** A registered service as the project file says it. */
export function toProjectService(service: ServiceInfo, base: string): ProjectService {
  const entry: ProjectService = service.type === 'command' ? { command: [service.command, ...service.args] } : { type: service.type };
  const cwd = service.cwd === null ? undefined : relative(base, service.cwd) || undefined;
  const route =
    service.route === false
      ? false
      : service.route.path !== `/${service.name}` || service.route.hosts.length > 0
        ? { prefix: service.route.path, hosts: service.route.hosts }
        : undefined;
  const optional: Partial<ProjectService> = {
    description: service.description || undefined,
    cwd,
    options: Object.keys(service.options).length > 0 ? service.options : undefined,
    env: Object.keys(service.env).length > 0 ? service.env : undefined,
    replicas: service.replicas === 1 ? undefined : service.replicas,
    port: service.port ?? undefined,
    route,
    health: healthOf(service),
    restart: service.restart.policy === 'always' ? undefined : service.restart.policy,
    stop: service.stop.signal === 'SIGTERM' && service.stop.graceMs === 5000 ? undefined : { signal: service.stop.signal, grace: service.stop.graceMs },
    watch: service.watch ? { paths: service.watch.paths, ignore: service.watch.ignore } : undefined,
  };
  return { ...entry, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) };
}

/** `herve init`: write herve.yaml here from the services registered now. */
export async function run(options: { force?: boolean; stdout?: boolean }): Promise<number> {
  const path = join(process.cwd(), PROJECT_FILE_NAME);
  if (!options.stdout && !options.force && existsSync(path)) throw new UserError(`${path} already exists`, 'keep it, or overwrite it with: herve init --force');
  const { services: listed } = await withDaemon((client) => client.call('list'));
  // Joined services are not run by Herve: they come back by announcing themselves, not from a file.
  const joined = listed.filter((service) => service.type === EXTERNAL_TYPE);
  const services = listed.filter((service) => service.type !== EXTERNAL_TYPE);
  if (joined.length > 0) process.stderr.write(`left out ${joined.map((service) => service.name).join(', ')}: joined by heartbeat, not run by Herve\n`);
  if (services.length === 0) throw new UserError('no services are registered', 'register some first (herve register …), or write herve.yaml by hand');
  const text = `# Written by herve init. Editors check it with the JSON Schema from: herve schema > herve.schema.json\n${stringify({ services: Object.fromEntries(services.map((service) => [service.name, toProjectService(service, process.cwd())])) })}`;
  if (options.stdout) return writeOut(text).then(() => 0);
  writeFileSync(path, text, { mode: 0o600 });
  await writeOut(`wrote ${path} (${services.length} service${services.length === 1 ? '' : 's'}; env values included — check before committing it)\n`);
  return 0;
}
