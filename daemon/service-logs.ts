import type { LogStore } from './logs/log-store.js';
import type { ServiceLogs } from './orchestrator/index.js';

/** The orchestrator's view of the log store: captured output and the daemon's own lines about a service. */
export function serviceLogsFrom(store: LogStore): ServiceLogs {
  return {
    system: (service, instance, line) => store.append({ service, instance, stream: 'system', at: Date.now(), line }),
    splitter: (service, instance, stream) => store.lineSplitter(service, instance, stream),
    written: (service) => store.flushed(service),
    release: (service) => void store.release(service),
  };
}
