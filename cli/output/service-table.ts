import type { InstanceInfo, ServiceInfo, ServiceStats, StatsSnapshot } from '../../protocol/index.js';
import { ABSENT, formatBytes, formatDuration, formatLatency, formatPercent, formatRate } from '../presentation/format.js';
import { readyCount, uptimeMs } from '../presentation/service-view.js';
import { renderTable, type Column } from './table.js';
import { paintStatus, type Style } from '../presentation/terminal.js';

const COLUMNS: Column[] = [
  { header: 'NAME' },
  { header: 'TYPE' },
  { header: 'STATUS' },
  { header: 'INSTANCES', align: 'right' },
  { header: 'PID' },
  { header: 'PORT' },
  { header: 'UPTIME', align: 'right' },
  { header: 'RESTARTS', align: 'right' },
  { header: 'CPU', align: 'right' },
  { header: 'MEM', align: 'right' },
  { header: 'REQ/S', align: 'right' },
  { header: 'P99', align: 'right' },
  { header: 'URL' },
];

/** At most two values, then "+N", so a 10-replica service keeps the table narrow. */
function shortList(values: number[]): string {
  if (values.length === 0) return ABSENT;
  const shown = values.slice(0, 2).join(',');
  return values.length > 2 ? `${shown},+${values.length - 2}` : shown;
}

function live(instances: InstanceInfo[]): InstanceInfo[] {
  return instances.filter((instance) => instance.pid !== null);
}

function serviceRow(service: ServiceInfo, stats: ServiceStats | undefined, style: Style, now: number): string[] {
  const running = live(service.instances);
  const hasProcess = running.length > 0 && stats !== undefined;
  const requests = stats?.requests ?? null;
  return [
    service.name,
    service.type,
    paintStatus(service.status, style),
    `${readyCount(service)}/${service.replicas}`,
    shortList(running.map((instance) => instance.pid as number)),
    shortList(running.map((instance) => instance.port).filter((port): port is number => port !== null)),
    formatDuration(uptimeMs(service, now)),
    String(service.restarts),
    hasProcess ? formatPercent(stats.cpuPercent) : ABSENT,
    hasProcess ? formatBytes(stats.rssBytes) : ABSENT,
    formatRate(requests?.ratePerSec),
    formatLatency(requests?.p99Ms),
    service.url ?? ABSENT,
  ];
}

/** The `herve ls` table; stats may be missing (older daemon, or it failed). */
export function renderServiceTable(services: ServiceInfo[], stats: StatsSnapshot | null, style: Style, now = Date.now()): string {
  const byName = new Map((stats?.services ?? []).map((entry) => [entry.name, entry]));
  const rows = services.map((service) => serviceRow(service, byName.get(service.name), style, now));
  return renderTable(COLUMNS, rows);
}
