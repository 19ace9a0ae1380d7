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
  ['i', "requests: the selected service's last requests, live (↑↓ pick, Enter: headers and log lines, Esc back)"],
  ['/  f', 'filter the focused pane (Enter keeps, Esc clears)'],
  ['t', 'next colour theme'],
  ['?', 'this help (any key closes it)'],
  ['q  Ctrl-C', 'quit'],
];

function HelpColumn({ entries, width }: { entries: ReadonlyArray<readonly [string, string]>; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      {entries.map(([keys, meaning]) => (
        <Text key={keys} wrap="truncate-end">
          <Text bold color={theme.accent}>
            {keys.padEnd(17)}
          </Text>
          <Text color={theme.text}>{meaning}</Text>
        </Text>
      ))}
    </Box>
  );
}

/** Every key binding; in two columns when one does not fit the height. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const rows = Math.max(1, height - 3);
  const inner = width - 4;
  const split = HELP.length > rows && inner >= 100;
  const perColumn = split ? Math.ceil(HELP.length / 2) : rows;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={width} height={height} paddingX={1}>
      <Text bold color={theme.accent}>
        Keys (any key closes this help)
      </Text>
      <Box>
        <HelpColumn entries={HELP.slice(0, perColumn)} width={split ? Math.floor(inner / 2) : inner} />
        {split ? <HelpColumn entries={HELP.slice(perColumn, perColumn * 2)} width={inner - Math.floor(inner / 2)} /> : null}
      </Box>
    </Box>
  );
}
