import type { LogStore } from './log-store.js';
import type { ServiceLogs } from '../orchestrator/index.js';

/** How far back to look for one instance's last lines among its service's. */
const RECENT_SCAN_LINES = 2000;

/** The orchestrator's view of the log store: captured output and the daemon's own lines about a service. */
export function serviceLogsFrom(store: LogStore): ServiceLogs {
  return {
    system: (service, instance, line) => store.append({ service, instance, stream: 'system', at: Date.now(), line }),
    splitter: (service, instance, stream) => store.lineSplitter(service, instance, stream),
    written: (service) => store.flushed(service),
    release: (service) => void store.release(service),
    recent: async (service, instance, count) => {
      const lines = await store.tail({ service, lines: RECENT_SCAN_LINES });
      return lines
        .filter((line) => line.instance === instance)
        .slice(-count)
        .map((line) => line.line);
    },
  };
}
