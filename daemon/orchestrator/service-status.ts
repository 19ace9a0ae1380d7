import type { DesiredState, InstanceStatus, ServiceStatus } from '../../protocol/index.js';

/**
 * A service's status (stopped, starting, running, unhealthy, stopping, crashed) from its instances'.
 * `crashLoop`: the service hit its crash-loop limit and waits for a `start`.
 */
export function deriveServiceStatus(desired: DesiredState, crashLoop: boolean, instances: InstanceStatus[]): ServiceStatus {
  if (instances.includes('stopping')) return 'stopping';
  const active = instances.filter((status) => status !== 'stopped' && status !== 'crashed');
  if (crashLoop && active.length === 0) return 'crashed';
  if (desired === 'stopped') return active.length > 0 ? 'stopping' : 'stopped';
  if (instances.length > 0 && instances.every((status) => status === 'running')) return 'running';
  if (instances.includes('unhealthy')) return 'unhealthy';
  if (instances.includes('starting') || instances.includes('backoff')) return 'starting';
  if (instances.includes('running')) return 'unhealthy';
  if (instances.includes('crashed')) return 'crashed';
  return 'stopped';
}
