import { useEffect, useState } from 'react';
import type { RequestRecord } from '../../../protocol/index.js';
import type { DaemonClient } from '../../client/index.js';
import { requestKey } from '../model/request-list.js';
import { EventBatcher } from './event-batcher.js';
import type { ConnectDaemon } from './use-daemon-connection.js';

export interface RequestStreamOptions {
  connect: ConnectDaemon;
  /** The dashboard's main connection; a new one (reconnect) restarts the stream. Null: offline. */
  connection: DaemonClient | null;
  /** The inspected service; null: the inspector is closed and nothing is followed. */
  service: string | null;
  capacity?: number;
  flushMs?: number;
  answerWithinMs?: number;
}

export interface RequestStream {
  requests: readonly RequestRecord[];
  error: string | null;
}

/**
 * The inspected service's last requests, then each new one live, on a connection of its own
 * (opened only while the inspector is open, so the dashboard follows no request otherwise).
 */
export function useRequestStream(options: RequestStreamOptions): RequestStream {
  const { connect, connection, service, capacity = 200, flushMs = 100, answerWithinMs = 5000 } = options;
  const [requests, setRequests] = useState<readonly RequestRecord[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setRequests([]);
    setError(null);
    if (!connection || service === null) return;
    let active = true;
    let client: DaemonClient | null = null;
    let backlogRead = false;
    const early: RequestRecord[] = [];
    const batcher = new EventBatcher<RequestRecord>(
      flushMs,
      (batch) => {
        if (!backlogRead) early.push(...batch);
        else setRequests((shown) => [...shown, ...batch].slice(-capacity));
      },
      capacity,
    );
    void (async () => {
      try {
        client = await connect(answerWithinMs);
        if (!active) return client.close();
        client.onClose(() => active && setError('request stream lost — close and open the inspector again'));
        client.onEvent((event) => {
          if (event.event === 'request' && event.data.service === service) batcher.push(event.data);
        });
        await client.subscribe([`requests:${service}`]);
        const { requests: backlog } = await client.call('requests', { service, lines: capacity });
        if (!active) return;
        const seen = new Set(backlog.map(requestKey));
        backlogRead = true;
        const arrived = [...early, ...batcher.drain()].filter((record) => !seen.has(requestKey(record)));
        setRequests([...backlog, ...arrived].slice(-capacity));
      } catch (failure) {
        if (active) setError(failure instanceof Error ? failure.message : String(failure));
      }
    })();
    return () => {
      active = false;
      batcher.close();
      client?.close();
    };
  }, [connect, connection, service, capacity, flushMs, answerWithinMs]);

  return { requests, error };
}
