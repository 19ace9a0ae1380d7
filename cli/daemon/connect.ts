import { existsSync, statSync } from 'node:fs';
import { hervePaths, socketPathProblem, type HervePaths } from '../../protocol/paths.js';
import { type ReadingClient, SocketDaemonClient, UserError } from '../client/index.js';

/** Herve's paths for this environment, refused early when the socket cannot live there. */
export function cliPaths(): HervePaths {
  const paths = hervePaths();
  const problem = socketPathProblem(paths.socket);
  if (problem) throw new UserError(problem, undefined, 2);
  if (existsSync(paths.home) && !statSync(paths.home).isDirectory()) {
    throw new UserError(`HERVE_HOME ${paths.home} is not a directory`, 'point HERVE_HOME at a directory (it is created if missing)');
  }
  return paths;
}

/** A live daemon answers hello in milliseconds; this only catches a stuck one. */
const HELLO_TIMEOUT_MS = 5_000;

/** Connect to the running daemon, or fail with "herve daemon is not running — start it with: herve up". */
export function connectDaemon(paths: HervePaths = cliPaths()): Promise<SocketDaemonClient> {
  return SocketDaemonClient.connect(paths.socket, 'herve-cli', { helloTimeoutMs: HELLO_TIMEOUT_MS });
}

/** Run `work` with a connection that is always closed afterwards. */
export async function withDaemon<T>(work: (client: SocketDaemonClient) => Promise<T>): Promise<T> {
  const client = await connectDaemon();
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** Like `withDaemon` for reads, whose requests go out with hello (`SocketDaemonClient.read`). */
export function readFromDaemon<T>(read: (client: ReadingClient) => Promise<T>): Promise<T> {
  return SocketDaemonClient.read(cliPaths().socket, 'herve-cli', { helloTimeoutMs: HELLO_TIMEOUT_MS }, read);
}
