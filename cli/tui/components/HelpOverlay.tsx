import { Box, Text } from 'ink';
import { useTheme } from '../theme-context.js';

export const HELP: ReadonlyArray<readonly [string, string]> = [
  ['↑/↓  j/k', 'select a service'],
  ['s', 'start the selected service'],
  ['x', 'stop it (asks to confirm)'],
  ['r', 'restart it'],
  ['n', 'register a new service (type, name, replicas, command)'],
  ['d', 'unregister it (asks to confirm)'],
  ['l', 'logs: follow the selected service / all services'],
  ['space  p', 'pause / resume the logs'],
  ['PgUp/PgDn  [ ]', 'scroll the logs back / forward (pauses them)'],
  ['Tab', 'move focus between the table and the logs'],
  ['/  f', 'filter the focused pane (Enter keeps, Esc clears)'],
  ['t', 'next colour theme'],
  ['?', 'this help (any key closes it)'],
  ['q  Ctrl-C', 'quit'],
];

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={width} height={height} paddingX={1}>
      <Text bold color={theme.accent}>Keys</Text>
      {HELP.slice(0, Math.max(0, height - 3)).map(([keys, meaning]) => (
        <Text key={keys} wrap="truncate-end">
          <Text bold color={theme.accent}>{keys.padEnd(18)}</Text>
          <Text color={theme.text}>{meaning}</Text>
        </Text>
      ))}
    </Box>
  );
}
