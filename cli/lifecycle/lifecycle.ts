import type { Outcome } from '../../protocol/index.js';
import { withDaemon } from '../daemon/connect.js';
import { writeJson } from '../output/output.js';
import { Progress } from '../output/progress.js';
import { reportStarted } from './settle.js';

export interface LifecycleOptions {
  json?: boolean;
  /** commander's `--no-wait` sets this to false. */
  wait?: boolean;
}

type Action = 'start' | 'stop' | 'restart';

const DOING: Record<Action, string> = { start: 'starting', stop: 'stopping', restart: 'restarting' };
/** The outcome each action asks for; any other is reported as a failure. */
const WANTED: Record<Action, Outcome> = { start: 'running', stop: 'stopped', restart: 'running' };

/** start / stop / restart one service by name or uuid, with progress and a clear outcome. */
export async function runLifecycle(action: Action, ref: string, options: LifecycleOptions): Promise<number> {
  const wait = options.wait ?? true;
  const progress = new Progress(options.json);
  return withDaemon(async (client) => {
    progress.update(`${DOING[action]} ${ref}…`);
    const service = await client.call(action, { service: ref, wait });
    if (options.json) {
      progress.stop();
      await writeJson(service);
      return !wait || service.outcome === WANTED[action] ? 0 : 1;
    }
    if (!wait) {
      progress.succeed(`${service.name} ${service.status}`);
      return 0;
    }
    if (action === 'stop') {
      progress.succeed(`${service.name} stopped`);
      return 0;
    }
    await reportStarted(client, service, progress);
    return 0;
  });
}
