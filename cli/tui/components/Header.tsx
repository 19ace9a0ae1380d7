import { Box, Text } from 'ink';
import type { ServiceInfo } from '../../../protocol/index.js';
import { statusSymbol } from '../../presentation/status.js';
import { useTheme } from '../theme-context.js';

export interface HeaderProps {
  services: readonly ServiceInfo[];
  shown: number;
  filter: string;
  filterEditing: boolean;
  /** Offline: the table shows the last state seen, not the current one. */
  stale: boolean;
  width: number;
}

/** Title, counts by status and the table filter. */
export function Header({ services, shown, filter, filterEditing, stale, width }: HeaderProps) {
  const theme = useTheme();
  const counts = new Map<string, number>();
  for (const service of services) counts.set(service.status, (counts.get(service.status) ?? 0) + 1);
  const summary = [...counts.entries()].map(([status, count]) => `${statusSymbol(status as ServiceInfo['status'])} ${count} ${status}`).join('  ');
  const total = `${services.length} service${services.length === 1 ? '' : 's'}`;
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          {' herve '}
        </Text>
        <Text color={theme.text}>{` ${total}`}</Text>
        {filter || filterEditing ? <Text color={theme.accent}>{` (${shown} shown)`}</Text> : null}
        <Text color={theme.dim}>{summary ? `   ${summary}` : ''}</Text>
        {stale && services.length > 0 ? <Text color={theme.warning}>{'   (last known — not live)'}</Text> : null}
        {filter && !filterEditing ? <Text color={theme.accent}>{`   filter: ${filter}`}</Text> : null}
      </Text>
    </Box>
  );
}
