import { Box, Text } from 'ink';
import type { ServiceInfo, ServiceStats } from '../../../protocol/index.js';
import { ROW_MARKER_WIDTH, type Column } from '../model/columns.js';
import { fit } from '../../presentation/format.js';
import { useTheme } from '../theme-context.js';
import { ServiceRow } from './ServiceRow.js';

export interface ServicesTableProps {
  services: readonly ServiceInfo[];
  stats: ReadonlyMap<string, ServiceStats>;
  columns: readonly Column[];
  selectedName: string | null;
  /** Rows of services shown; the table scrolls to keep the selection in view. */
  visibleRows: number;
  width: number;
  now: number;
  emptyText: string;
}

/** Which slice of `count` rows to show so that `selected` stays visible, roughly centred. */
export function scrollWindow(count: number, selected: number, visible: number): { first: number; last: number } {
  if (count <= visible) return { first: 0, last: count };
  const first = Math.max(0, Math.min(selected - Math.floor(visible / 2), count - visible));
  return { first, last: first + visible };
}

export function ServicesTable(props: ServicesTableProps) {
  const { services, stats, columns, selectedName, visibleRows, width, now, emptyText } = props;
  const theme = useTheme();
  const selectedIndex = Math.max(
    0,
    services.findIndex((service) => service.name === selectedName),
  );
  const { first, last } = scrollWindow(services.length, selectedIndex, visibleRows);
  const header = ' '.repeat(ROW_MARKER_WIDTH) + columns.map((column) => fit(column.title, column.width, column.align)).join(' ');
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border} width={width} height={visibleRows + 3}>
      <Text wrap="truncate-end" bold color={theme.accent}>
        {header}
      </Text>
      {services.length === 0 ? (
        <Text wrap="truncate-end" color={theme.dim} dimColor={!theme.colour}>{`  ${emptyText}`}</Text>
      ) : (
        services
          .slice(first, last)
          .map((service) => (
            <ServiceRow
              key={service.uuid}
              service={service}
              stats={stats.get(service.name)}
              columns={columns}
              selected={service.name === selectedName}
              now={now}
            />
          ))
      )}
    </Box>
  );
}
