import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessRunning } from '../../platform/proc.js';
import { isGroupAlive, readProcessStartTime, signalGroup } from '../proc.js';
import type { InstanceRecord, Registry } from '../registry.js';

const REAP_GRACE_MS = 3000;
const POLL_MS = 25;

/**
 * What to do with instances a dead predecessor left running. Today: kill them (so no orphan and
 * no duplicate once their services start again). A later "re-adopt" strategy replaces this one function.
 */
export type PredecessorPolicy = (registry: Registry, report: PredecessorReport) => Promise<void>;

export interface PredecessorReport {
  /** A line in the daemon's own log. */
  log(message: string): void;
  /** A system line in the log of the service the instance belongs to. */
  instance(record: InstanceRecord, line: string): void;
}

/** Same pid and same kernel start time: the very process we recorded, not a reuse of its pid. */
export function isRecordedProcess(record: InstanceRecord): boolean {
  return isProcessRunning(record.pid) && readProcessStartTime(record.pid) === record.startTime;
}

export const reapPredecessorInstances: PredecessorPolicy = async (registry, report) => {
  const { log } = report;
  const survivors = registry.listInstances().filter(isRecordedProcess);
  for (const record of survivors) {
    log(`reaping pid ${record.pid} (process group ${record.pgid}) left by a previous daemon`);
    report.instance(record, `stopping pid ${record.pid}, left running by a daemon that died; it starts afresh`);
    signalGroup(record.pgid, 'SIGTERM');
  }
  const deadline = Date.now() + REAP_GRACE_MS;
  while (Date.now() < deadline && survivors.some((record) => isGroupAlive(record.pgid))) await sleep(POLL_MS);
  for (const record of survivors) {
    if (isGroupAlive(record.pgid)) {
      log(`process group ${record.pgid} ignored SIGTERM — sending SIGKILL`);
      signalGroup(record.pgid, 'SIGKILL');
    }
  }
  registry.forgetAllInstances();
};
