import { existsSync } from 'node:fs';
import { ConnectionLostError, DaemonNotRunningError, UserError, type SocketDaemonClient } from '../client/index.js';
import { cliPaths, connectDaemon } from '../daemon/connect.js';
import { writeOut } from '../output/output.js';
import { isProcessRunning } from '../../platform/proc.js';
import { pollUntil } from '../daemon/processes.js';
import { Progress } from '../output/progress.js';

/** Services get their stop grace (5 s by default) and then some. */
const EXIT_TIMEOUT_MS = 60_000;

export async function run(): Promise<number> {
  const paths = cliPaths();
  let client: SocketDaemonClient;
  try {
    client = await connectDaemon(paths);
  } catch (error) {
    if (!(error instanceof DaemonNotRunningError)) throw error;
    await writeOut('herve is not running\n');
    return 0;
  }
  const progress = new Progress();
  const pid = await requestShutdown(client, progress);
  const gone = await pollUntil(() => !isProcessRunning(pid) && !existsSync(paths.socket), EXIT_TIMEOUT_MS);
  progress.stop();
  if (!gone) {
    const what = isProcessRunning(pid) ? `the herve daemon (pid ${pid}) is still running` : `the socket ${paths.socket} was left behind`;
    throw new UserError(`${what} ${EXIT_TIMEOUT_MS / 1000} s after shutdown`, `see ${paths.daemonLog}; force it with: kill -9 ${pid}`);
  }
  progress.succeed(`herve stopped (pid ${pid})`);
  return 0;
}

/** Ask the daemon to stop everything; returns its pid. */
async function requestShutdown(client: SocketDaemonClient, progress: Progress): Promise<number> {
  try {
    const { pid } = await client.call('ping');
    progress.update(`stopping services and the herve daemon (pid ${pid})…`);
    try {
      await client.call('shutdown');
    } catch (error) {
      // The daemon may close the connection as it goes down, before answering.
      if (!(error instanceof ConnectionLostError)) throw error;
    }
    return pid;
  } finally {
    client.close();
  }
}
