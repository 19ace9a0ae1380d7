import { SocketDaemonClient } from '../cli/client/index.js';
import { DEFAULT_MEMBER_TTL_S, hervePaths } from '../protocol/index.js';

export interface JoinOptions {
  /** The service to join (several processes announcing one name are its replicas). */
  name: string;
  /** Where Herve reaches this process, e.g. `http://127.0.0.1:${port}`. */
  url: string;
  /** Seconds an announcement keeps this member in routing (default 6); it announces every ttl/3. */
  ttl?: number;
  /** The daemon's socket (default: HERVE_HOME's). */
  socket?: string;
  /** Leave when the process gets SIGTERM (default true). */
  leaveOnSigterm?: boolean;
  /** A heartbeat that failed (daemon restarting, gone): the next one tries again. Default: ignore. */
  onError?: (error: Error) => void;
}

export interface Membership {
  /** Stop announcing and leave at once. */
  leave(): Promise<void>;
}

const HELLO_TIMEOUT_MS = 5_000;

/**
 * Join a running Herve as a member of service `name`: the first announcement is awaited (a bad name
 * or URL throws here), then it announces every ttl/3 seconds until `leave()` or SIGTERM.
 *
 *   import { join } from 'herve/client';
 *   await join({ name: 'api', url: `http://127.0.0.1:${port}` });
 */
export async function join(options: JoinOptions): Promise<Membership> {
  const ttl = options.ttl ?? DEFAULT_MEMBER_TTL_S;
  const socket = options.socket ?? hervePaths().socket;
  const params = { name: options.name, url: options.url, ttl };
  let client: SocketDaemonClient | undefined;
  let left = false;

  const connected = async (): Promise<SocketDaemonClient> => {
    if (client) return client;
    const fresh = await SocketDaemonClient.connect(socket, `herve-join ${options.name}`, { helloTimeoutMs: HELLO_TIMEOUT_MS });
    fresh.onClose(() => {
      if (client === fresh) client = undefined;
    });
    client = fresh;
    return fresh;
  };
  const announce = async () => (await connected()).call('announce', params);

  await announce();
  const beat = setInterval(() => {
    announce().catch((error: Error) => {
      client?.close();
      client = undefined;
      options.onError?.(error);
    });
  }, (ttl * 1000) / 3);
  // The service's own server keeps the process alive; the heartbeat alone must not.
  beat.unref();

  const leave = async (): Promise<void> => {
    if (left) return;
    left = true;
    clearInterval(beat);
    process.off('SIGTERM', onSigterm);
    try {
      await (await connected()).call('leave', { name: options.name, url: options.url });
    } finally {
      client?.close();
    }
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
