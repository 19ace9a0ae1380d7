import type { ServiceInfo, ServiceStats } from '../../../protocol/index.js';
import { formatBytes, formatDuration, formatLatency, formatNumber, formatPercent, formatRate, formatRatio, ABSENT } from '../../presentation/format.js';
import { statusLabel } from '../../presentation/status.js';
import { pidLabel, portLabel, readyCount, uptimeMs } from '../../presentation/service-view.js';

export interface CellInput {
  service: ServiceInfo;
  stats: ServiceStats | undefined;
  now: number;
}

export interface Column {
  key: string;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Narrow terminals drop the highest numbers first. */
  dropOrder: number;
  cell: (input: CellInput) => string;
}

const NAME_MIN_WIDTH = 12;
const NAME_MAX_WIDTH = 28;
/** Room for the selection marker before the name. */
export const ROW_MARKER_WIDTH = 2;

const requests = ({ stats }: CellInput) => stats?.requests ?? null;
/** Process figures only mean something while a process runs; a stopped service reads 0, shown as absent. */
const processStats = ({ service, stats }: CellInput) => (pidLabel(service) === null ? undefined : stats);

export const NAME_COLUMN: Column = {
  key: 'name',
  title: 'NAME',
  width: NAME_MIN_WIDTH,
  align: 'left',
  dropOrder: 0,
  cell: ({ service }) => service.name,
};

const OTHER_COLUMNS: Column[] = [
  { key: 'type', title: 'TYPE', width: 9, align: 'left', dropOrder: 6, cell: ({ service }) => service.type },
  { key: 'status', title: 'STATUS', width: 11, align: 'left', dropOrder: 0, cell: ({ service }) => statusLabel(service.status) },
  { key: 'instances', title: 'READY', width: 5, align: 'right', dropOrder: 9, cell: ({ service }) => `${readyCount(service)}/${service.replicas}` },
  { key: 'pid', title: 'PID', width: 8, align: 'right', dropOrder: 11, cell: ({ service }) => pidLabel(service) ?? ABSENT },
  { key: 'port', title: 'PORT', width: 5, align: 'right', dropOrder: 12, cell: ({ service }) => portLabel(service) ?? ABSENT },
  { key: 'uptime', title: 'UPTIME', width: 7, align: 'right', dropOrder: 8, cell: ({ service, now }) => formatDuration(uptimeMs(service, now)) },
  { key: 'restarts', title: 'RESTARTS', width: 8, align: 'right', dropOrder: 13, cell: ({ service }) => formatNumber(service.restarts) },
  { key: 'cpu', title: 'CPU', width: 6, align: 'right', dropOrder: 7, cell: (input) => formatPercent(processStats(input)?.cpuPercent) },
  { key: 'memory', title: 'MEM', width: 6, align: 'right', dropOrder: 10, cell: (input) => formatBytes(processStats(input)?.rssBytes) },
  { key: 'rate', title: 'REQ/S', width: 6, align: 'right', dropOrder: 5, cell: (input) => formatRate(requests(input)?.ratePerSec) },
  { key: 'p99', title: 'P99', width: 7, align: 'right', dropOrder: 4, cell: (input) => formatLatency(requests(input)?.p99Ms) },
  { key: 'errors', title: 'ERR', width: 6, align: 'right', dropOrder: 3, cell: (input) => formatRatio(requests(input)?.errorRate) },
];

export const ALL_COLUMNS: readonly Column[] = [NAME_COLUMN, ...OTHER_COLUMNS];

function rowWidth(columns: readonly Column[]): number {
  return ROW_MARKER_WIDTH + columns.reduce((sum, column) => sum + column.width, 0) + (columns.length - 1);
}

/**
 * The columns that fit `width` terminal cells: the lowest-value columns go first,
 * then the name column takes what is left (up to a cap).
 */
export function layoutColumns(width: number): Column[] {
  let columns: Column[] = [...ALL_COLUMNS];
  const droppable = [...OTHER_COLUMNS].sort((a, b) => b.dropOrder - a.dropOrder);
  for (const dropped of droppable) {
    if (rowWidth(columns) <= width || dropped.dropOrder <= 0) break;
    columns = columns.filter((column) => column !== dropped);
  }
  const spare = Math.max(0, width - rowWidth(columns));
  const nameWidth = Math.min(NAME_MAX_WIDTH, NAME_MIN_WIDTH + spare);
  return columns.map((column) => (column === NAME_COLUMN ? { ...column, width: nameWidth } : column));
}
