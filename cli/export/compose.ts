import { stringify } from 'yaml';
import {
  CONTAINER_PORT,
  containerCommand,
  duration,
  headerLines,
  imageFor,
  serviceEnvironment,
  type ExportOptions,
  type ExportSelection,
  type ExportService,
} from './export-model.js';

export interface ComposeOptions extends ExportOptions {
  /** First host port published on 127.0.0.1; each service takes one per replica, in order. */
  basePort: number;
}

const RESTART = { always: 'always', 'on-failure': 'on-failure', never: 'no' } as const;

function healthcheck(service: ExportService): Record<string, unknown> | undefined {
  const { health } = service;
  if (health.path === null) return undefined;
  const url = `http://127.0.0.1:${CONTAINER_PORT}${health.path}`;
  return {
    // The image's tools are unknown: curl, else busybox wget.
    test: ['CMD-SHELL', `curl -fsS ${url} >/dev/null || wget -qO- ${url} >/dev/null || exit 1`],
    interval: duration(health.intervalMs),
    timeout: duration(health.timeoutMs),
    retries: health.unhealthyThreshold,
    start_period: duration(health.startTimeoutMs),
  };
}

function dependsOn(service: ExportService, byName: Map<string, ExportService>): Record<string, { condition: string }> | undefined {
  if (service.dependsOn.length === 0) return undefined;
  const conditions: Record<string, { condition: string }> = {};
  for (const { name, condition } of service.dependsOn) {
    // Compose has no probe to wait for on a service without a health check: started is all it can say.
    const probed = byName.get(name)?.health.path !== null;
    conditions[name] = { condition: condition === 'healthy' && !probed ? 'service_started' : `service_${condition}` };
  }
  return conditions;
}

function composeService(service: ExportService, firstPort: number, options: ComposeOptions, byName: Map<string, ExportService>) {
  const lastPort = firstPort + service.replicas - 1;
  const command = containerCommand(service);
  const check = healthcheck(service);
  const needs = dependsOn(service, byName);
  const resources = service.resources && (service.resources.cpu || service.resources.memory) ? service.resources : undefined;
  return {
    image: imageFor(service, options),
    ...(command ? { command } : {}),
    environment: serviceEnvironment(service, CONTAINER_PORT, options),
    ports: [{ target: CONTAINER_PORT, host_ip: '127.0.0.1', published: firstPort === lastPort ? String(firstPort) : `${firstPort}-${lastPort}` }],
    restart: RESTART[service.restart.policy],
    stop_grace_period: duration(service.restart.stopGraceMs),
    ...(check ? { healthcheck: check } : {}),
    ...(needs ? { depends_on: needs } : {}),
    ...(service.replicas > 1 || resources
      ? {
          deploy: {
            ...(service.replicas > 1 ? { replicas: service.replicas } : {}),
            ...(resources
              ? {
                  resources: {
                    limits: { ...(resources.cpu ? { cpus: cpus(resources.cpu) } : {}), ...(resources.memory ? { memory: memory(resources.memory) } : {}) },
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}

/** Kubernetes CPU (`500m`, `2`) as Compose cpus (`0.5`, `2`). */
function cpus(quantity: string): string {
  return quantity.endsWith('m') ? String(Number(quantity.slice(0, -1)) / 1000) : quantity;
}

/** Kubernetes memory (`256Mi`, `1Gi`) as Compose bytes units (`256m`, `1g`). */
function memory(quantity: string): string {
  return quantity.replace(/([KMG])i$/, (_, unit: string) => unit.toLowerCase());
}

export function composeDocument(selection: ExportSelection, options: ComposeOptions): { name: string; services: Record<string, unknown> } {
  const byName = new Map(selection.services.map((service) => [service.name, service]));
  const services: Record<string, unknown> = {};
  let port = options.basePort;
  for (const service of selection.services) {
    services[service.name] = composeService(service, port, options, byName);
    port += service.replicas;
  }
  return { name: 'herve', services };
}

export function renderCompose(selection: ExportSelection, options: ComposeOptions): string {
  const notes = [`Each service listens on $PORT (${CONTAINER_PORT}) in its container; published on 127.0.0.1 from port ${options.basePort} (--base-port).`];
  const header = headerLines('compose', selection, options, notes)
    .map((line) => `# ${line}`)
    .join('\n');
  return `${header}\n${stringify(composeDocument(selection, options), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
