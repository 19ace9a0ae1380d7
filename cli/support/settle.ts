import type { ServiceInfo, ServiceStatus } from '../../protocol/index.js';
import { ConnectionLostError, UserError, type DaemonClient } from '../client/index.js';
import { formatLogLines } from './log-format.js';
import type { Progress } from './progress.js';
import { describeExit, latestExit, readyCount } from '../presentation/service-view.js';
import { createStyle } from '../presentation/terminal.js';

const SETTLED: ReadonlySet<ServiceStatus> = new Set(['running', 'unhealthy', 'stopped', 'crashed']);
/** On top of the service's own start timeout, for the spawn itself. */
const SLACK_MS = 5_000;

export function readiness(service: ServiceInfo): string {
  return `${readyCount(service)}/${service.replicas} ready`;
}

const subscribed = new WeakSet<DaemonClient>();

async function watchServices(client: DaemonClient): Promise<void> {
  if (subscribed.has(client)) return;
  await client.subscribe(['services']);
  subscribed.add(client);
}

/**
 * Wait, on the daemon's service events, until the service leaves starting/stopping,
 * or its start timeout passes (then the last state seen is returned).
 */
export async function waitUntilSettled(client: DaemonClient, service: ServiceInfo, progress: Progress): Promise<ServiceInfo> {
  await watchServices(client);
  // Subscribed first, then read: no transition can fall in between.
  let latest = await client.call('get', { service: service.uuid });
  if (SETTLED.has(latest.status)) return latest;
  const show = (current: ServiceInfo) => progress.update(`${current.status} ${current.name}… (${readiness(current)})`);
  show(latest);
  return new Promise<ServiceInfo>((resolve, reject) => {
    const timer = setTimeout(() => finish(), service.health.startTimeoutMs + SLACK_MS);
    const stopEvents = client.onEvent((event) => {
      if (event.event !== 'service' || event.data.uuid !== service.uuid) return;
      latest = event.data;
      show(latest);
      if (SETTLED.has(latest.status)) finish();
    });
    const stopClose = client.onClose(() => {
      release();
      reject(new ConnectionLostError());
    });
    function release(): void {
      clearTimeout(timer);
      stopEvents();
      stopClose();
    }
    function finish(): void {
      release();
      resolve(latest);
    }
  });
}

/** Where to reach a service: its proxy URL, else its ports. */
export function where(service: ServiceInfo): string {
  if (service.url) return `on ${service.url}`;
  const ports = service.instances.map((instance) => instance.port).filter((port) => port !== null);
  return ports.length > 0 ? `on port ${ports.join(', ')}` : `(${readiness(service)})`;
}

function lastExit(service: ServiceInfo): string {
  const exit = latestExit(service);
  return exit === null ? '' : ` (last exit: ${describeExit(exit)})`;
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
