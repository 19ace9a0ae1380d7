import { withDaemon } from '../daemon/connect.js';
import { writeJson } from '../output/output.js';
import { Progress } from '../output/progress.js';
import { describeRoll } from '../presentation/roll-view.js';
import { readiness } from '../presentation/service-view.js';

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
