import { EXTERNAL_TYPE } from '../../protocol/constants.js';
import type { InstanceInfo, ServiceInfo, ServiceStats, StatsSnapshot } from '../../protocol/index.js';
import { ABSENT, formatBytes, formatDuration, formatLatency, formatPercent, formatRate } from '../presentation/format.js';
import { readyCount, uptimeMs } from '../presentation/service-view.js';
import { EJECTED_LOOK, ejectedInstances, ejectionDetail } from '../presentation/ejection-view.js';
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
    instancesCell(service, style),
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

/** `2/2`, or `2/2 ⊘1` when passive health took one of them out of rotation. */
function instancesCell(service: ServiceInfo, style: Style): string {
  const ejected = ejectedInstances(service).length;
  const ready = `${readyCount(service)}/${service.replicas}`;
  return ejected === 0 ? ready : `${ready} ${style[EJECTED_LOOK.colour](`${EJECTED_LOOK.symbol}${ejected}`)}`;
}

/** One line per ejected instance, under the table: until when and why. */
function ejectionLines(services: ServiceInfo[], style: Style, now: number): string {
  const lines = services.flatMap((service) =>
    ejectedInstances(service).map((instance) => `${service.name} #${instance.index} ${style[EJECTED_LOOK.colour](ejectionDetail(instance.ejected, now))}\n`),
  );
  return lines.length === 0 ? '' : `\n${lines.join('')}`;
}

/** Once a project file is in play: which services it brought, and which were registered by hand. */
function sourceLines(services: ServiceInfo[], style: Style): string {
  if (!services.some((service) => service.source !== null)) return '';
  const groups = new Map<string, string[]>();
  for (const service of services) {
    if (service.type === EXTERNAL_TYPE) continue;
    const label = service.source === null ? 'registered by hand' : `from ${service.source}`;
    groups.set(label, [...(groups.get(label) ?? []), service.name]);
  }
  return `\n${[...groups].map(([label, names]) => `${style.dim(label)}: ${names.join(', ')}\n`).join('')}`;
}

/** The `herve ls` table; stats may be missing (older daemon, or it failed). */
export function renderServiceTable(services: ServiceInfo[], stats: StatsSnapshot | null, style: Style, now = Date.now()): string {
  const byName = new Map((stats?.services ?? []).map((entry) => [entry.name, entry]));
  const rows = services.map((service) => serviceRow(service, byName.get(service.name), style, now));
  return renderTable(COLUMNS, rows) + ejectionLines(services, style, now) + sourceLines(services, style);
}
