import { useEffect, useState } from 'react';
import { DaemonUnresponsiveError, type DaemonClient } from '../../client/index.js';

/**
 * Opens a new connection to the daemon (hello included); rejects when none answers, or when
 * it accepts but does not say hello within `helloTimeoutMs` (having closed that socket).
 */
export type ConnectDaemon = (helloTimeoutMs: number) => Promise<DaemonClient>;

export interface ConnectionState {
  phase: 'connecting' | 'connected' | 'disconnected';
  client: DaemonClient | null;
  /** Why the last attempt failed, when it did. */
  error: string | null;
  /** Failed attempts since the last success. */
  retries: number;
}

const INITIAL: ConnectionState = { phase: 'connecting', client: null, error: null, retries: 0 };

/**
 * A live connection: connects at once, and whenever the connection ends or an attempt fails,
 * tries again every `retryMs` until the daemon answers. Never blocks rendering. A daemon that
 * accepts but never says hello must not leave the dashboard "connecting" for ever: `connect`
 * gives up after `answerWithinMs`.
 */
export function useDaemonConnection(connect: ConnectDaemon, retryMs = 1000, answerWithinMs = 5000): ConnectionState {
  const [state, setState] = useState<ConnectionState>(INITIAL);

  useEffect(() => {
    let stopped = false;
    let retryTimer: NodeJS.Timeout | undefined;
    let current: DaemonClient | null = null;

    const retryLater = (error: string | null) => {
      setState((previous) => ({ phase: 'disconnected', client: null, error, retries: previous.retries + 1 }));
      retryTimer = setTimeout(attempt, retryMs);
    };

    async function attempt(): Promise<void> {
      let client: DaemonClient;
      try {
        client = await connect(answerWithinMs);
      } catch (error) {
        if (!stopped) retryLater(describeFailure(error, answerWithinMs));
        return;
      }
      if (stopped) {
        client.close();
        return;
      }
      current = client;
      client.onClose(() => {
        if (stopped || current !== client) return;
        current = null;
        retryLater('connection closed');
      });
      setState({ phase: 'connected', client, error: null, retries: 0 });
    }

    void attempt();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      current?.close();
    };
  }, [connect, retryMs, answerWithinMs]);

  return state;
}

/** Short enough for the footer, which already shows the socket's path. */
function describeFailure(error: unknown, answerWithinMs: number): string {
  if (error instanceof DaemonUnresponsiveError) return `the daemon did not answer within ${answerWithinMs / 1000} s`;
  return error instanceof Error ? error.message : String(error);
}
