import type { ServiceInfo, ServiceStatus } from '../../protocol/index.js';
import { UserError, type DaemonClient } from '../client/index.js';
import { formatLogLines } from './log-format.js';
import { sleep } from './processes.js';
import type { Progress } from './progress.js';
import { createStyle } from './terminal.js';

const SETTLED: ReadonlySet<ServiceStatus> = new Set(['running', 'unhealthy', 'stopped', 'crashed']);
const POLL_MS = 150;
/** On top of the service's own start timeout, for the spawn itself. */
const SLACK_MS = 5_000;

export function readiness(service: ServiceInfo): string {
  const ready = service.instances.filter((instance) => instance.ready).length;
  return `${ready}/${service.replicas} ready`;
}

/** Poll until the service leaves starting/stopping, or its start timeout passes. */
export async function waitUntilSettled(client: DaemonClient, service: ServiceInfo, progress: Progress): Promise<ServiceInfo> {
  const deadline = Date.now() + service.health.startTimeoutMs + SLACK_MS;
  let current = service;
  while (!SETTLED.has(current.status) && Date.now() < deadline) {
    progress.update(`${current.status} ${current.name}… (${readiness(current)})`);
    await sleep(POLL_MS);
    current = await client.call('get', { service: service.uuid });
  }
  return current;
}

/** Where to reach a service: its proxy URL, else its ports. */
export function where(service: ServiceInfo): string {
  if (service.url) return `on ${service.url}`;
  const ports = service.instances.map((instance) => instance.port).filter((port) => port !== null);
  return ports.length > 0 ? `on port ${ports.join(', ')}` : `(${readiness(service)})`;
}

function lastExit(service: ServiceInfo): string {
  const exits = service.instances.map((instance) => instance.lastExit).filter((exit) => exit !== null);
  const exit = exits.sort((a, b) => b.at - a.at)[0];
  if (!exit) return '';
  return exit.signal ? ` (last exit: signal ${exit.signal})` : ` (last exit: code ${exit.code})`;
}

async function recentLogs(client: DaemonClient, service: ServiceInfo): Promise<string> {
  try {
    const { lines } = await client.call('logs', { service: service.uuid, lines: 10 });
    return lines.length > 0 ? `\n--- last lines of its log ---\n${formatLogLines(lines, createStyle(false)).trimEnd()}` : '';
  } catch {
    return '';
  }
}

/** Report how a start ended: success line, a warning, or an error with the service's last log lines. */
export async function reportStarted(client: DaemonClient, service: ServiceInfo, progress: Progress): Promise<void> {
  const logsHint = `see its logs: herve logs ${service.name}`;
  switch (service.status) {
    case 'running':
      progress.succeed(`${service.name} running ${where(service)}`);
      return;
    case 'unhealthy':
      progress.warn(`${service.name} is up but unhealthy (${readiness(service)}) — ${logsHint}`);
      return;
    case 'starting':
      progress.stop();
      throw new UserError(`${service.name} is still starting after ${service.health.startTimeoutMs / 1000} s (${readiness(service)})`, `follow it with: herve logs ${service.name} -f`);
    default:
      progress.stop();
      throw new UserError(`${service.name} ${service.status} while starting${lastExit(service)}${await recentLogs(client, service)}`, logsHint);
  }
}
