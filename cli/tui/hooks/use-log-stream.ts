import { useEffect, useRef, useState } from 'react';
import type { LogLine } from '../../../protocol/index.js';
import type { DaemonClient } from '../../client/index.js';
import { LogBuffer } from '../model/log-buffer.js';
import { EventBatcher } from './event-batcher.js';
import type { ConnectDaemon } from './use-daemon-connection.js';

export interface LogStreamOptions {
  connect: ConnectDaemon;
  /** The dashboard's main connection; a new one (reconnect) restarts the stream. Null: offline. */
  connection: DaemonClient | null;
  /** One service's logs, or every service's when null. */
  service: string | null;
  /** While paused the shown lines hold still; new lines are still collected. */
  paused: boolean;
  capacity?: number;
  flushMs?: number;
  /** How long opening the stream's connection may wait for the daemon's hello. */
  answerWithinMs?: number;
  /** Wait this long after a change of service before switching, so scrolling the table stays cheap. */
  settleMs?: number;
}

export interface LogStream {
  lines: readonly LogLine[];
  error: string | null;
}

const key = (line: LogLine) => `${line.at}|${line.instance}|${line.stream}|${line.line}`;

/**
 * Follows logs on a connection of its own, so a flooding service never queues
 * behind (or delays) the dashboard's requests. Shows the recent backlog first.
 */
export function useLogStream(options: LogStreamOptions): LogStream {
  const { connect, connection, service, paused, capacity = 500, flushMs = 100, answerWithinMs = 5000, settleMs = 150 } = options;
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [reopen, setReopen] = useState(0);
  const buffer = useRef(new LogBuffer(capacity)).current;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (!paused) setLines(buffer.snapshot());
  }, [paused, buffer]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: bumping `reopen` is how a dropped stream asks this effect to run again
  useEffect(() => {
    if (!connection) return;
    let active = true;
    let client: DaemonClient | null = null;
    let beforeBacklog: LogLine[] | null = [];
    buffer.clear();
    setLines([]);
    const publish = () => {
      if (active && !pausedRef.current) setLines(buffer.snapshot());
    };
    const batcher = new EventBatcher<LogLine>(
      flushMs,
      (batch) => {
        if (beforeBacklog) {
          beforeBacklog = [...beforeBacklog, ...batch].slice(-capacity);
          return;
        }
        buffer.append(batch);
        publish();
      },
      capacity,
    );
    let retryTimer: NodeJS.Timeout | undefined;
    // Set once this stream's connection has dropped: the reopen is then under way, and a request
    // that was in flight when it dropped (subscribe, backlog) fails for that same reason.
    let lost = false;
    // Set when the daemon said this stream read too slowly (`lagged`) before closing it.
    let lagged = false;

    const start = setTimeout(async () => {
      try {
        client = await connect(answerWithinMs);
        if (!active) return client.close();
        // Should only this stream drop (the dashboard's own connection still up), open it again.
        client.onClose(() => {
          if (!active) return;
          lost = true;
          setError(lagged ? 'log stream fell behind the flood and was dropped by the daemon — reopening' : 'log stream lost — reopening');
          retryTimer = setTimeout(() => setReopen((count) => count + 1), 1000);
        });
        client.onEvent((event) => {
          if (event.event === 'lagged') lagged = true;
          if (event.event === 'log' && (service === null || event.data.service === service)) batcher.push(event.data);
        });
        await client.subscribe([service === null ? 'logs' : `logs:${service}`]);
        const backlog = await client.call('logs', { service: service ?? undefined, lines: Math.min(capacity, 200) });
        if (!active) return;
        // Lines that arrived while the backlog was read may be in both.
        const seen = new Set(backlog.lines.map(key));
        const arrived = [...(beforeBacklog ?? []), ...batcher.drain()].filter((line) => !seen.has(key(line)));
        beforeBacklog = null;
        buffer.append(backlog.lines);
        buffer.append(arrived);
        setError(null);
        publish();
      } catch (failure) {
        if (active && !lost) setError(failure instanceof Error ? failure.message : String(failure));
      }
    }, settleMs);

    return () => {
      active = false;
      clearTimeout(start);
      clearTimeout(retryTimer);
      batcher.close();
      client?.close();
    };
  }, [connect, connection, service, capacity, flushMs, answerWithinMs, settleMs, buffer, reopen]);

  return { lines, error };
}
