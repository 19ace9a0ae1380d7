import { useEffect, useState } from 'react';
import type { Event } from '../../../protocol/index.js';
import type { DaemonClient } from '../../client/index.js';
import { applyEvents, EMPTY_DASHBOARD, markStale, resync, type DashboardState } from '../model/dashboard-state.js';
import { EventBatcher } from './event-batcher.js';

type FeedEvent = Exclude<Event, { event: 'log' }>;

export interface DashboardData {
  state: DashboardState;
  /** Why the last sync failed, when it did. */
  syncError: string | null;
}

/** At most this many state updates a second from the event feed. */
export const FLUSH_INTERVAL_MS = 100;

/**
 * Services, stats and types, live: on each new connection subscribe to `services` and `stats`,
 * then take a `list`/`types`/`ping` snapshot; events after that are applied in batches.
 */
export function useDashboardData(client: DaemonClient | null, flushMs = FLUSH_INTERVAL_MS): DashboardData {
  const [state, setState] = useState<DashboardState>(EMPTY_DASHBOARD);
  const [syncError, setSyncError] = useState<string | null>(null);

  useEffect(() => {
    if (!client) {
      setState(markStale);
      return;
    }
    let active = true;
    const batcher = new EventBatcher<FeedEvent>(flushMs, (batch) => {
      setState((current) => applyEvents(current, batch, Date.now()));
    });
    const unsubscribe = client.onEvent((event) => {
      if (event.event !== 'log') batcher.push(event);
    });

    void (async () => {
      try {
        await client.subscribe(['services', 'stats']);
        const [list, types, ping, project] = await Promise.allSettled([client.call('list'), client.call('types'), client.call('ping'), client.call('project')]);
        if (!active) return;
        if (list.status === 'rejected') throw list.reason;
        // Service events queued before the snapshot are older than it.
        batcher.retain((event) => event.event === 'stats');
        const snapshot = {
          services: list.value.services,
          types: types.status === 'fulfilled' ? types.value.types : null,
          daemon: ping.status === 'fulfilled' ? { pid: ping.value.pid, uptimeMs: ping.value.uptimeMs } : null,
          lastReload: project.status === 'fulfilled' ? project.value.lastReload : undefined,
        };
        setState((current) => resync(current, snapshot, Date.now()));
        setSyncError(null);
      } catch (error) {
        if (active) setSyncError(error instanceof Error ? error.message : String(error));
      }
    })();

    return () => {
      active = false;
      unsubscribe();
      batcher.close();
    };
  }, [client, flushMs]);

  return { state, syncError };
}
