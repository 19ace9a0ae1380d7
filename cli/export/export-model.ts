import { EXTERNAL_TYPE, type DependsCondition, type ProjectEntry, type ServiceInfo } from '../../protocol/index.js';

/**
 * One service as the exporters see it, whatever it came from: the running registry
 * (`fromServiceInfo`) or, later, a herve.yaml (a second constructor of this same shape).
 */
export type ExportService = Pick<
  ServiceInfo,
  'name' | 'type' | 'description' | 'command' | 'args' | 'cwd' | 'env' | 'replicas' | 'health' | 'restart' | 'route'
> & {
  /** Services this one needs first, and in what state (from a herve.yaml; none from the registry). */
  dependsOn: Array<{ name: string; condition: DependsCondition }>;
  /** Kubernetes-style quantities (`500m`, `256Mi`); none from the registry. */
  resources?: { cpu?: string; memory?: string };
};

/** The port every exported service listens on inside its container (it gets it as PORT). */
export const CONTAINER_PORT = 8080;

/** Types with no process of their own: nothing to export as a container or a unit. */
const NOT_RUN_BY_HERVE = new Set(['proxy', EXTERNAL_TYPE]);

export interface ExportSelection {
  services: ExportService[];
  /** Registered but not exportable, with why. */
  skipped: Array<{ name: string; reason: string }>;
}

export function fromServiceInfo(info: ServiceInfo): ExportService {
  return {
    name: info.name,
    type: info.type,
    description: info.description,
    command: info.command,
    args: info.args,
    cwd: info.cwd,
    env: info.env,
    replicas: info.replicas,
    health: info.health,
    restart: info.restart,
    route: info.route,
    dependsOn: [],
  };
}

/**
 * The services a herve.yaml names, as the daemon runs them (its registry resolves each program),
 * with the file's dependencies. Returns the names the daemon does not have.
 */
export function selectFromProject(infos: ServiceInfo[], entries: ProjectEntry[]): ExportSelection & { missing: string[] } {
  const byName = new Map(infos.map((info) => [info.name, info]));
  const registered = entries.filter((entry) => byName.has(entry.spec.name));
  const selection = selectExportable(registered.map((entry) => byName.get(entry.spec.name)!));
  for (const service of selection.services) {
    const entry = registered.find((candidate) => candidate.spec.name === service.name)!;
    service.dependsOn = Object.entries(entry.dependsOn).map(([name, condition]) => ({ name, condition }));
  }
  return { ...selection, missing: entries.filter((entry) => !byName.has(entry.spec.name)).map((entry) => entry.spec.name) };
}

export function selectExportable(infos: ServiceInfo[]): ExportSelection {
  const selection: ExportSelection = { services: [], skipped: [] };
  for (const info of infos) {
    if (NOT_RUN_BY_HERVE.has(info.type)) selection.skipped.push({ name: info.name, reason: `type ${info.type}: Herve does not run it` });
    else selection.services.push(fromServiceInfo(info));
  }
  return selection;
}

/** What every exporter is given besides the services. */
export interface ExportOptions {
  /** Service name -> image reference; the rest get `imagePlaceholder(name)`. */
  images: Record<string, string>;
  /** Copy each service's env values into the output (default true). */
  includeEnv: boolean;
}

export function imagePlaceholder(name: string): string {
  // A reserved TLD: the reference is well-formed but can never be pulled by mistake.
  return `change-me.invalid/${name}:latest`;
}

export function imageFor(service: ExportService, options: ExportOptions): string {
  return options.images[service.name] ?? imagePlaceholder(service.name);
}

/** The environment a service sees: Herve's PORT and HERVE_SERVICE, then its own (when included). */
export function serviceEnvironment(service: ExportService, port: number, options: ExportOptions): Record<string, string> {
  return { PORT: String(port), HERVE_SERVICE: service.name, ...(options.includeEnv ? service.env : {}) };
}

/** A `command` service's own program; built-ins run the image's entrypoint. */
export function containerCommand(service: ExportService): string[] | undefined {
  return service.type === 'command' ? [service.command, ...service.args] : undefined;
}

/** Whole seconds for fields that take seconds, at least `min`. */
export function seconds(ms: number, min = 1): number {
  return Math.max(min, Math.ceil(ms / 1000));
}

/** A duration as Compose and systemd write it: `2s`, `1500ms`. */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The header comment lines every output starts with. */
export function headerLines(format: string, selection: ExportSelection, options: ExportOptions, notes: string[]): string[] {
  const lines = [`Exported by herve export ${format} from ${selection.services.length} registered service(s).`];
  lines.push(
    options.includeEnv
      ? "Contains each service's environment values as registered (they may be secrets); --no-env leaves them out."
      : 'Environment values left out (--no-env): only PORT and HERVE_SERVICE are set.',
  );
  const placeholders = selection.services.filter((service) => options.images[service.name] === undefined).map((service) => service.name);
  if (placeholders.length > 0 && format !== 'systemd') {
    lines.push(`Image placeholders (change-me.invalid/…) for: ${placeholders.join(', ')}; pass --image NAME=IMAGE.`);
  }
  lines.push(...notes);
  for (const skipped of selection.skipped) lines.push(`Skipped ${skipped.name} (${skipped.reason}).`);
  return lines;
}
