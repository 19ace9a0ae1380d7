import { rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { HerveError } from '../shared/errors.js';

const PROBE_TIMEOUT_MS = 1000;

/** Whether something accepts connections on the socket path. */
function probeSocket(socketPath: string): Promise<'alive' | 'dead'> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      // Accepting but silent still means a live listener: do not steal its path.
      resolve('alive');
    }, PROBE_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('alive');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve('dead');
      else reject(error);
    });
  });
}

/**
 * Make the socket path free: a socket file nobody listens on (left by a killed daemon) is removed;
 * a live one means another daemon runs, which is refused with the pid from the pid file.
 */
export async function clearStaleSocket(socketPath: string, runningPid: () => number | null): Promise<'none' | 'removed'> {
  const state = await probeSocket(socketPath);
  if (state === 'alive') {
    const pid = runningPid();
    throw new HerveError('conflict', `a herve daemon is already running${pid ? ` (pid ${pid})` : ''} on ${socketPath}`, 'stop it first with: herve down');
  }
  try {
    rmSync(socketPath);
    return 'removed';
  } catch {
    return 'none';
  }
}
