import type { ServiceInfo } from '../../protocol/index.js';
import { withDaemon } from './connect.js';
import { writeJson } from './output.js';
import { Progress } from './progress.js';
import { readiness } from './settle.js';

/** What a roll is doing now, from the service's state: which replica, old and new instances, who takes traffic. */
export function describeRoll(service: ServiceInfo): string | null {
  if (service.roll === null) return null;
  const mark = (role: 'old' | 'new') =>
    service.instances
      .filter((instance) => instance.roll === role)
      .map((instance) => `[${instance.index}] ${instance.draining ? 'draining' : instance.ready ? 'serving' : instance.status}`)
      .join(' ');
  const old = mark('old');
  const fresh = mark('new');
  return `replica ${service.roll.step}/${service.roll.of}: old ${old || '–'} → new ${fresh || 'starting'}`;
}

/** `herve restart --rolling NAME`: one replica at a time, progress from the daemon's service events. */
export async function runRollingRestart(ref: string, options: { json?: boolean; wait?: boolean }): Promise<number> {
  const wait = options.wait ?? true;
  const progress = new Progress(options.json);
  return withDaemon(async (client) => {
    await client.subscribe(['services']);
    const target = await client.call('get', { service: ref });
    client.onEvent((event) => {
      if (event.event !== 'service' || event.data.uuid !== target.uuid) return;
      const now = describeRoll(event.data);
      if (now !== null) progress.update(`rolling restart of ${target.name}: ${now}`);
    });
    progress.update(`rolling restart of ${target.name}…`);
    try {
      const service = await client.call('restart', { service: target.uuid, wait, rolling: true });
      progress.stop();
      if (options.json) await writeJson(service);
      else progress.succeed(wait ? `${service.name} rolled: ${readiness(service)}` : `${service.name}: rolling restart started`);
      return 0;
    } finally {
      progress.stop();
    }
  });
}
