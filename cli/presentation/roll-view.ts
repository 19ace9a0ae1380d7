import type { InstanceInfo, ServiceInfo } from '../../protocol/index.js';

/** What a roll is doing now, from the service's state: which replica, old and new instances, who takes traffic. */
export function describeRoll(service: ServiceInfo): string | null {
  if (service.roll === null) return null;
  const mark = (role: 'old' | 'new') =>
    service.instances
      .filter((instance) => instance.roll === role)
      .map((instance) => `[${instance.index}] ${instanceRollState(instance)}`)
      .join(' ');
  const old = mark('old');
  const fresh = mark('new');
  return `replica ${service.roll.step}/${service.roll.of}: old ${old || '–'} → new ${fresh || 'starting'}`;
}

/** An instance during a roll: draining (finishing its requests), serving (takes traffic), or its status. */
export function instanceRollState(instance: InstanceInfo): string {
  if (instance.draining) return 'draining';
  return instance.ready && instance.status === 'running' ? 'serving' : instance.status;
}
