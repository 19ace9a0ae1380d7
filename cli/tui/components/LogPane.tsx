import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { LogLine } from '../../../protocol/index.js';
import { formatClock } from '../../presentation/format.js';
import { printable } from '../model/sanitize.js';
import { serviceColour, useTheme } from '../theme-context.js';

export interface LogPaneProps {
  lines: readonly LogLine[];
  /** The followed service, or null for every service (lines are then prefixed with their service). */
  service: string | null;
  paused: boolean;
  /** Lines scrolled back from the newest, while paused. */
  scrollBack: number;
  filter: string;
  focused: boolean;
  error: string | null;
  width: number;
  height: number;
}

/** The lines the pane shows: filtered, then the window `scrollBack` lines up from the newest. */
export function visibleLogLines(lines: readonly LogLine[], filter: string, scrollBack: number, rows: number): readonly LogLine[] {
  const matching = filter.length > 0 ? lines.filter((line) => line.line.toLowerCase().includes(filter.toLowerCase())) : lines;
  const end = Math.max(0, matching.length - scrollBack);
  return matching.slice(Math.max(0, end - rows), end);
}

export const LogPane = memo(function LogPane(props: LogPaneProps) {
  const { lines, service, paused, scrollBack, filter, focused, error, width, height } = props;
  const theme = useTheme();
  const rows = Math.max(0, height - 3);
  const shown = useMemo(() => visibleLogLines(lines, filter, scrollBack, rows), [lines, filter, scrollBack, rows]);
  const source = service === null ? 'all services' : service;
  const state = paused ? `❚❚ paused${scrollBack > 0 ? ` ↑${scrollBack}` : ''}` : '▶ following';
  const prefixWidth = Math.min(14, Math.max(...shown.map((line) => line.service.length), 4));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={focused ? theme.accent : theme.border} width={width} height={height} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>{`logs · ${source}`}</Text>
        <Text color={paused ? theme.warning : theme.dim}>{`  ${state}`}</Text>
        {filter ? <Text color={theme.accent}>{`  filter: ${filter}`}</Text> : null}
        {error ? <Text color={theme.error}>{`  ✖ ${error}`}</Text> : null}
      </Text>
      {shown.length === 0 ? (
        <Text color={theme.dim} dimColor={!theme.colour}>
          {filter ? 'no line matches the filter' : 'no output yet'}
        </Text>
      ) : (
        shown.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position in the pane; lines carry no id and repeat
          <Text key={index} wrap="truncate-end">
            <Text color={theme.dim} dimColor={!theme.colour}>{`${formatClock(line.at, 's')} `}</Text>
            {service === null ? <Text color={serviceColour(theme, line.service)}>{`${line.service.slice(0, prefixWidth).padEnd(prefixWidth)} │ `}</Text> : null}
            {/* Plain stdout text: most lines are stdout, and every styled character costs Ink time per frame. */}
            {line.stream === 'stdout' ? (
              printable(line.line)
            ) : (
              <Text color={line.stream === 'stderr' ? theme.error : theme.accent}>
                {line.stream === 'system' ? `» ${printable(line.line)}` : printable(line.line)}
              </Text>
            )}
          </Text>
        ))
      )}
    </Box>
  );
});
