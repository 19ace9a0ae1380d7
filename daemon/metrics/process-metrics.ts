import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';

/**
 * The daemon's own figures under prom-client's default names, read only when
 * scraped. collectDefaultMetrics would also sample the event loop's delay all
 * the time (~0.14% CPU of an idle daemon) for a figure nobody asked for.
 */
export function registerProcessMetrics(registry: Registry, promClient: typeof import('prom-client')): void {
  const { Counter, Gauge } = promClient;
  const cpuSeconds = (pick: (usage: NodeJS.CpuUsage) => number) =>
    function collect(this: InstanceType<typeof Counter>): void {
      this.reset();
      this.inc(pick(process.cpuUsage()) / 1e6);
    };
  new Counter({
    name: 'process_cpu_user_seconds_total',
    help: 'User CPU time spent in seconds.',
    registers: [registry],
    collect: cpuSeconds((usage) => usage.user),
  });
  new Counter({
    name: 'process_cpu_system_seconds_total',
    help: 'System CPU time spent in seconds.',
    registers: [registry],
    collect: cpuSeconds((usage) => usage.system),
  });
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers: [registry],
    collect: cpuSeconds((usage) => usage.user + usage.system),
  });

  const memory = [
    ['process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss()],
    ['nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', () => process.memoryUsage().heapTotal],
    ['nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', () => process.memoryUsage().heapUsed],
    ['nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => process.memoryUsage().external],
  ] as const;
  for (const [name, help, read] of memory) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }
  const startSeconds = Math.round(performance.timeOrigin / 1000);
  new Gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', registers: [registry] }).set(startSeconds);
}
