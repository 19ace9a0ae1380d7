import type { InstanceEjection, InstanceInfo, ServiceInfo, ServiceStatus } from '../../protocol/index.js';
import { formatDuration } from './format.js';
import type { StatusColour } from './status.js';

/**
 * How an instance passive health took out of rotation looks, in the CLI and the dashboard alike:
 * its symbol, the CLI colour, and the status whose theme colour the dashboard paints it with.
 */
export const EJECTED_LOOK: { symbol: string; colour: StatusColour; themeStatus: ServiceStatus } = {
  symbol: '⊘',
  colour: 'magenta',
  themeStatus: 'unhealthy',
};

/** `⊘ ejected 8s more` or `⊘ ejected, restarting`. */
export function ejectionLabel(ejection: InstanceEjection, now: number): string {
  const left = ejection.until === null ? ', restarting' : ` ${formatDuration(Math.max(0, ejection.until - now))} more`;
  return `${EJECTED_LOOK.symbol} ejected${left}`;
}

/** `⊘ ejected until 12:03:04 (8s more): 3 failures, last connect ECONNREFUSED`. */
export function ejectionDetail(ejection: InstanceEjection, now: number): string {
  const until =
    ejection.until === null
      ? 'until restarted'
      : `until ${new Date(ejection.until).toLocaleTimeString()} (${formatDuration(Math.max(0, ejection.until - now))} more)`;
  return `${EJECTED_LOOK.symbol} ejected ${until}: ${ejection.failures} failures, last ${ejection.reason}`;
}

export function ejectedInstances(service: ServiceInfo): Array<InstanceInfo & { ejected: InstanceEjection }> {
  return service.instances.filter((instance): instance is InstanceInfo & { ejected: InstanceEjection } => instance.ejected !== undefined);
}
