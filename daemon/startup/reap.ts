import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive, isProcessRunning, readProcessStartTime, signalGroup } from '../../platform/proc.js';
import type { InstanceRecord, Registry } from '../registry/registry.js';

const REAP_GRACE_MS = 3000;
const POLL_MS = 25;

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

/** Stop instances a dead predecessor left that no one adopts (SIGTERM, SIGKILL after a grace), and forget them. */
export async function reapInstances(registry: Registry, records: InstanceRecord[], report: PredecessorReport): Promise<void> {
  const { log } = report;
  const survivors = records.filter(isRecordedProcess);
  for (const record of survivors) {
    log(`reaping pid ${record.pid} (process group ${record.pgid}) left by a previous daemon`);
    report.instance(record, `stopping pid ${record.pid}, left running by a daemon that died and not wanted any more`);
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
  for (const record of records) registry.forgetInstance(record.serviceUuid, record.index, record.pid);
}
