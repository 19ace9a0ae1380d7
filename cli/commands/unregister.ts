import { withDaemon } from '../daemon/connect.js';
import { writeJson } from '../output/output.js';
import { Progress } from '../output/progress.js';

export interface UnregisterOptions {
  json?: boolean;
}

export async function run(ref: string, options: UnregisterOptions): Promise<number> {
  const progress = new Progress(options.json);
  return withDaemon(async (client) => {
    progress.update(`stopping and unregistering ${ref}…`);
    const removed = await client.call('unregister', { service: ref });
    progress.succeed(`${removed.name} unregistered (${removed.uuid})`);
    if (options.json) await writeJson(removed);
    return 0;
  });
}
