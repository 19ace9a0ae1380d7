import type { InstanceStatus, Outcome } from '../../protocol/index.js';

/** Instance states in which a start or a stop has come to rest; `backoff` is an exit during the start. */
const AT_REST: ReadonlySet<InstanceStatus> = new Set(['running', 'unhealthy', 'crashed', 'stopped', 'backoff']);

/** The one definition of "settled": every instance at rest. */
export function isSettled(instances: readonly InstanceStatus[]): boolean {
  return instances.every((status) => AT_REST.has(status));
}

/** What a start or stop came to, from its instances when the daemon answers. */
export function outcomeOf(instances: readonly InstanceStatus[]): Outcome {
  if (!isSettled(instances)) return 'pending';
  if (instances.some((status) => status === 'crashed' || status === 'backoff')) return 'crashed';
  if (instances.some((status) => status === 'stopped')) return 'stopped';
  return instances.every((status) => status === 'running') ? 'running' : 'unhealthy';
}
