import { withDaemon } from '../daemon/connect.js';
import { writeJson } from '../output/output.js';
import { Progress } from '../output/progress.js';
import { buildRegisterSpec } from '../lifecycle/register-spec.js';
import { reportStarted } from '../lifecycle/settle.js';
import type { OptionsOf } from '../program.js';

type RegisterOptions = OptionsOf<'register'>;

export async function run(type: string, command: string[], options: RegisterOptions): Promise<number> {
  const spec = buildRegisterSpec({ ...options, type, command });
  const label = spec.name ?? spec.type;
  const progress = new Progress(options.json);
  return withDaemon(async (client) => {
    progress.update(spec.start ? `registering and starting ${label}…` : `registering ${label}…`);
    const registered = await client.call('register', spec);
    if (!spec.start) {
      progress.succeed(`${registered.name} registered (not started) — start it with: herve start ${registered.name}`);
      if (options.json) await writeJson(registered);
      return 0;
    }
    if (options.json) {
      progress.stop();
      await writeJson(registered);
      return registered.outcome === 'running' ? 0 : 1;
    }
    await reportStarted(client, registered, progress);
    return 0;
  });
}
