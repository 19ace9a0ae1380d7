import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Adoption } from '../orchestrator/service-runtime.js';
import type { InstanceRecord, Registry } from '../registry/registry.js';
import type { Supervisor } from '../supervisor/index.js';
import { isRecordedProcess, reapInstances, type PredecessorReport } from './reap.js';

/** By service uuid, then instance index. */
export type Adoptions = Map<string, Map<number, Adoption>>;

/**
 * Take over what a dead daemon left: instances still running under their monitor (same pid and start
 * time, never a reused pid) or ended meanwhile with a recorded exit, for services still meant to run.
 * Anything else it left running (a stopped or removed service, an instance without a monitor) is reaped.
 */
export async function adoptPredecessorInstances(registry: Registry, supervisor: Supervisor, runDir: string, report: PredecessorReport): Promise<Adoptions> {
  const services = new Map(registry.listServices().map((service) => [service.uuid, service]));
  const adoptions: Adoptions = new Map();
  const unwanted: InstanceRecord[] = [];
  const keptMonitors = new Set<number>();
  for (const record of registry.listInstances()) {
    const service = services.get(record.serviceUuid);
    // By count, not by index: after a roll a service's instances sit at other indices than 0…replicas-1.
    const adoptedSoFar = adoptions.get(record.serviceUuid)?.size ?? 0;
    const wanted = service !== undefined && service.desired === 'running' && adoptedSoFar < service.replicas;
    const taken = wanted ? supervisor.adopt?.(survivorOf(record)) : null;
    if (!taken) {
      if (isRecordedProcess(record)) unwanted.push(record);
      else registry.forgetInstance(record.serviceUuid, record.index, record.pid);
      continue;
    }
    if (record.monitorPid) keptMonitors.add(record.monitorPid);
    const byIndex = adoptions.get(record.serviceUuid) ?? new Map<number, Adoption>();
    adoptions.set(record.serviceUuid, byIndex);
    byIndex.set(record.index, { handle: taken.handle, port: record.port, endedMeanwhile: taken.endedMeanwhile });
    report.log(`${taken.endedMeanwhile ? 'found the exit of' : 're-adopting'} pid ${record.pid} of ${service!.name}[${record.index}]`);
  }
  await reapInstances(registry, unwanted, report);
  removeStaleRunFiles(runDir, keptMonitors);
  return adoptions;
}

function survivorOf(record: InstanceRecord) {
  const monitor = record.monitorPid && record.monitorStartTime ? { pid: record.monitorPid, startTime: record.monitorStartTime } : null;
  return { pid: record.pid, pgid: record.pgid, startTime: record.startTime, monitor };
}

/** FIFOs and exit files of monitors no one adopts (left by a reboot or a reaped instance). */
function removeStaleRunFiles(runDir: string, keptMonitors: ReadonlySet<number>): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(runDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!keptMonitors.has(Number.parseInt(entry, 10))) rmSync(join(runDir, entry), { force: true });
  }
}
