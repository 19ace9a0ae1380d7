import { DEFAULT_MEMBER_TTL_S, hervePaths } from '../protocol/index.js';
import type { Heartbeat } from './heartbeat.js';
import { joinOverSocket } from './socket-heartbeat.js';

export interface JoinOptions {
  /** The service to join (several processes announcing one name are its replicas). */
  name: string;
  /** Where Herve reaches this process, e.g. `http://127.0.0.1:${port}` (over a bus: an address the daemons' machines reach). */
  url: string;
  /**
   * A Redis bus, `redis://[:PASSWORD@]HOST:PORT`: join every daemon started with `herve up --bus` on it,
   * on any machine, instead of this machine's socket. Default: HERVE_BUS. The connections stay open until `leave()`.
   */
  bus?: string;
  /** Over the socket: seconds an announcement keeps this member in routing (default 6); it announces every ttl/3. Over a bus the daemons' beats decide. */
  ttl?: number;
  /** The daemon's socket (default: HERVE_HOME's). */
  socket?: string;
  /** Leave when the process gets SIGTERM (default true). */
  leaveOnSigterm?: boolean;
  /** A heartbeat that failed (daemon or Redis restarting, gone): the next one tries again. Default: ignore. */
  onError?: (error: Error) => void;
}

export interface Membership {
  /** Stop announcing and leave at once. */
  leave(): Promise<void>;
}

/**
 * Join a running Herve as a member of service `name`: the first announcement is awaited (a bad name
 * or URL, or a bus it cannot reach, throws here), then it keeps announcing until `leave()` or SIGTERM.
 *
 *   import { join } from 'herve/client';
 *   await join({ name: 'api', url: `http://127.0.0.1:${port}` });
 */
export async function join(options: JoinOptions): Promise<Membership> {
  const member = { name: options.name, url: options.url, onError: options.onError ?? (() => undefined) };
  const bus = options.bus ?? (process.env.HERVE_BUS || undefined);
  // ioredis is loaded only by a member that joins over a bus.
  const heartbeat: Heartbeat =
    bus === undefined
      ? await joinOverSocket(member, options.socket ?? hervePaths().socket, options.ttl ?? DEFAULT_MEMBER_TTL_S)
      : await (await import('./bus-heartbeat.js')).joinOverBus(member, bus);
  let left = false;

  const leave = async (): Promise<void> => {
    if (left) return;
    left = true;
    process.off('SIGTERM', onSigterm);
    await heartbeat.leave();
  };
  const onSigterm = () => {
    void leave()
      .catch(() => undefined)
      .finally(() => {
        // Nobody else handles SIGTERM: die of it as the process would have without us.
        if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
      });
  };
  if (options.leaveOnSigterm ?? true) process.once('SIGTERM', onSigterm);
  return { leave };
}
