import { Text } from 'ink';
import { memo } from 'react';
import type { ServiceInfo, ServiceStats } from '../../../protocol/index.js';
import type { Column } from '../model/columns.js';
import { fit } from '../../presentation/format.js';
import { useTheme } from '../theme-context.js';

export interface ServiceRowProps {
  service: ServiceInfo;
  stats: ServiceStats | undefined;
  columns: readonly Column[];
  selected: boolean;
  /** Only read by the uptime column; rows re-render when it changes, about once a second. */
  now: number;
}

/** One line of the table, exactly as wide as the columns, so it can never wrap. */
export const ServiceRow = memo(function ServiceRow({ service, stats, columns, selected, now }: ServiceRowProps) {
  const theme = useTheme();
  const cells = columns.map((column) => ({
    key: column.key,
    text: fit(column.cell({ service, stats, now }), column.width, column.align),
  }));
  const statusColour = theme.status[service.status];
  const background = selected ? theme.selection.background : undefined;
  const foreground = selected ? theme.selection.foreground : undefined;
  const inverse = selected && !theme.colour;
  return (
    <Text wrap="truncate-end" backgroundColor={background} color={foreground} inverse={inverse} bold={selected}>
      {selected ? '› ' : '  '}
      {cells.map((cell, index) => (
        <Text key={cell.key} color={cell.key === 'status' && !selected ? statusColour : undefined}>
          {index === 0 ? cell.text : ` ${cell.text}`}
        </Text>
      ))}
    </Text>
  );
});
