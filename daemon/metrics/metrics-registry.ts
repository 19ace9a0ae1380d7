import type { Registry } from 'prom-client';
import type { ServiceControl } from '../shared/contracts.js';
import type { RequestStatsRecorder } from '../stats/request-stats.js';
import { RequestDurationMetric } from './latency-histogram-metric.js';
import { registerProcessMetrics } from './process-metrics.js';
import { describeError } from '../shared/errors.js';

const STATUS_CLASS_LABELS = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'];

export interface MetricsScrape {
  contentType: string;
  text: string;
}

export interface MetricsExporter {
  scrape(): Promise<MetricsScrape>;
}

type Log = (message: string) => void;

/**
 * Herve's Prometheus metrics on a registry of its own (never prom-client's global).
 * prom-client is loaded on the first scrape (~10 MB of heap a daemon nobody
 * scrapes never pays); nothing is lost by waiting, since every value is read at
 * scrape time from the request stats, the orchestrator and the process itself.
 */
export function createMetrics(stats: RequestStatsRecorder, control: ServiceControl, log: Log): MetricsExporter {
  let registry: Promise<Registry> | undefined;
  return {
    async scrape() {
      registry ??= buildRegistry(stats, control, log);
      // A failed load is retried on the next scrape rather than remembered.
      const built = await registry.catch((error: unknown) => {
        registry = undefined;
        throw error;
      });
      return { contentType: built.contentType, text: await built.metrics() };
    },
  };
}

async function buildRegistry(stats: RequestStatsRecorder, control: ServiceControl, log: Log): Promise<Registry> {
  const promClient = await import('prom-client');
  const { Counter, Gauge } = promClient;
  const registry = new promClient.Registry();
  registerProcessMetrics(registry, promClient);

  new Counter({
    name: 'herve_http_requests_total',
    help: 'Proxied requests per service and status class',
    labelNames: ['service', 'status_class'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [service, totals] of stats.totals()) {
        totals.statusClasses.forEach((count, index) => {
          if (count > 0) this.inc({ service, status_class: STATUS_CLASS_LABELS[index] }, count);
        });
      }
    },
  });
  registry.registerMetric(new RequestDurationMetric(stats) as unknown as InstanceType<typeof Counter>);

  new Counter({
    name: 'herve_service_restarts_total',
    help: 'Restarts of a service’s instances since it was registered',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.reset();
      for (const service of safeList(control, log)) if (service.restarts > 0) this.inc({ service: service.name }, service.restarts);
    },
  });
  new Gauge({
    name: 'herve_instance_up',
    help: '1 when the instance is ready for traffic, else 0',
    labelNames: ['service', 'instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const service of safeList(control, log)) {
        for (const instance of service.instances) this.set({ service: service.name, instance: String(instance.index) }, instance.ready ? 1 : 0);
      }
    },
  });
  registerServiceProcessGauges(registry, promClient, control, log);
  return registry;
}

function registerServiceProcessGauges(registry: Registry, promClient: typeof import('prom-client'), control: ServiceControl, log: Log): void {
  const gauges = [
    ['herve_process_cpu_percent', 'CPU use of a service’s processes in percent of one core, summed over its instances', 'cpuPercent'],
    ['herve_process_resident_memory_bytes', 'Resident memory of a service’s processes, summed over its instances', 'rssBytes'],
  ] as const;
  for (const [name, help, field] of gauges) {
    new promClient.Gauge({
      name,
      help,
      labelNames: ['service'],
      registers: [registry],
      collect() {
        this.reset();
        try {
          for (const service of control.stats().services) this.set({ service: service.name }, service[field]);
        } catch (error) {
          log(`metrics: process stats unavailable: ${describeError(error)}`);
        }
      },
    });
  }
}

function safeList(control: ServiceControl, log: Log): ReturnType<ServiceControl['list']> {
  try {
    return control.list();
  } catch (error) {
    log(`metrics: service list unavailable: ${describeError(error)}`);
    return [];
  }
}
