import { useCallback, useEffect, useRef, useState } from 'react';
import type { DaemonClient } from '../../client/index.js';

export interface StatusMessage {
  kind: 'progress' | 'success' | 'error' | 'info';
  text: string;
  /** The next step a person can take, for errors that have one. */
  hint?: string;
}

export interface Actions {
  status: StatusMessage | null;
  /**
   * Run `action` against the daemon without waiting for it: the status line shows `progress`
   * at once, then the text the action resolves with, or its error.
   */
  run: (progress: string, action: (client: DaemonClient) => Promise<string>) => void;
  say: (message: StatusMessage) => void;
}

function describe(error: unknown): StatusMessage {
  if (error instanceof Error) {
    const hint = 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined;
    return { kind: 'error', text: error.message, hint };
  }
  return { kind: 'error', text: String(error) };
}

export function useActions(client: DaemonClient | null): Actions {
  const [status, setStatus] = useState<StatusMessage | null>(null);
  const clientRef = useRef(client);
  clientRef.current = client;
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const run = useCallback((progress: string, action: (client: DaemonClient) => Promise<string>) => {
    const current = clientRef.current;
    if (!current) {
      setStatus({ kind: 'error', text: 'not connected to the daemon', hint: 'start it with: herve up' });
      return;
    }
    setStatus({ kind: 'progress', text: progress });
    action(current).then(
      (text) => {
        if (mounted.current) setStatus({ kind: 'success', text });
      },
      (error: unknown) => {
        if (mounted.current) setStatus(describe(error));
      },
    );
  }, []);

  return { status, run, say: setStatus };
}
