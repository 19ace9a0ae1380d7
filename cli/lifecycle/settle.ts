import type { LifecycleResult, ServiceInfo } from '../../protocol/index.js';
import { UserError, type DaemonClient } from '../client/index.js';
import { readiness, startProblem } from '../presentation/service-view.js';
import { createStyle } from '../presentation/terminal.js';
import { formatLogLines } from '../logs/log-format.js';
import type { Progress } from '../output/progress.js';

/** Where to reach a service: its proxy URL, else its ports. */
export function where(service: ServiceInfo): string {
  if (service.url) return `on ${service.url}`;
  const ports = service.instances.map((instance) => instance.port).filter((port) => port !== null);
  return ports.length > 0 ? `on port ${ports.join(', ')}` : `(${readiness(service)})`;
}

async function recentLogs(client: DaemonClient, service: ServiceInfo): Promise<string> {
  try {
    const { lines } = await client.call('logs', { service: service.uuid, lines: 10 });
    return lines.length > 0 ? `\n--- last lines of its log ---\n${formatLogLines(lines, createStyle(false)).trimEnd()}` : '';
  } catch {
    return '';
  }
}

/**
 * Report how a start ended, as the daemon decided it (it waited for the service to come to rest):
 * a success line, a warning, or an error with the service's last log lines.
 */
export async function reportStarted(client: DaemonClient, result: LifecycleResult, progress: Progress): Promise<void> {
  const logsHint = `see its logs: herve logs ${result.name}`;
  const problem = startProblem(result);
  if (problem !== null) {
    progress.stop();
    if (result.outcome === 'pending') throw new UserError(problem, `follow it with: herve logs ${result.name} -f`);
    throw new UserError(`${problem}${await recentLogs(client, result)}`, logsHint);
  }
  if (result.outcome === 'running') progress.succeed(`${result.name} running ${where(result)}`);
  else progress.warn(`${result.name} is up but unhealthy (${readiness(result)}) — ${logsHint}`);
}
