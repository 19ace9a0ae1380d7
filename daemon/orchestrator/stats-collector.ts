import type { ProcessUsage, ServiceStats, StatsSnapshot } from '../../protocol/index.js';
import type { ProcessSampler, RequestStatsSource } from '../shared/contracts.js';
/** What a snapshot reads of a service: spawned ones and joined ones alike. */
interface MeasuredService {
  name: string;
  instances: ReadonlyArray<{ index: number; currentPid(): number | null }>;
}

const NO_USAGE: ProcessUsage = { cpuPercent: 0, rssBytes: 0 };

/** Builds a stats snapshot: one /proc sample of the daemon and every instance, plus proxy figures. */
export class StatsCollector {
  private requests: RequestStatsSource | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly sampler: ProcessSampler) {}

  setRequestStats(source: RequestStatsSource | null): void {
    this.requests = source;
  }

  snapshot(services: MeasuredService[]): StatsSnapshot {
    const pids = [process.pid];
    for (const service of services) {
      for (const instance of service.instances) {
        const pid = instance.currentPid();
        if (pid !== null) pids.push(pid);
      }
    }
    const usage = this.sampler(pids);
    const daemon = usage.get(process.pid) ?? NO_USAGE;
    return {
      at: Date.now(),
      daemon: { ...daemon, pid: process.pid, uptimeMs: Date.now() - this.startedAt },
      services: services.map((service) => this.serviceStats(service, usage)),
    };
  }

  private serviceStats(service: MeasuredService, usage: Map<number, ProcessUsage>): ServiceStats {
    const instances = service.instances.map((instance) => {
      const pid = instance.currentPid();
      const sample = (pid !== null && usage.get(pid)) || NO_USAGE;
      return { index: instance.index, pid, cpuPercent: sample.cpuPercent, rssBytes: sample.rssBytes };
    });
    return {
      name: service.name,
      cpuPercent: instances.reduce((sum, instance) => sum + instance.cpuPercent, 0),
      rssBytes: instances.reduce((sum, instance) => sum + instance.rssBytes, 0),
      instances,
      requests: this.requests?.forService(service.name) ?? null,
    };
  }
}
