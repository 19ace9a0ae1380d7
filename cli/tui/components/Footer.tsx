import { Box, Text } from 'ink';
import type { ReloadInfo } from '../../../protocol/index.js';
import { reloadText, type DaemonFacts } from '../model/dashboard-state.js';
import { formatBytes, formatDuration, formatPercent } from '../../presentation/format.js';
import type { ConnectionState } from '../hooks/use-daemon-connection.js';
import { useTheme } from '../theme-context.js';

export interface FooterProps {
  keys: ReadonlyArray<readonly [string, string]>;
  connection: ConnectionState;
  daemon: DaemonFacts | null;
  lastReload: ReloadInfo | null;
  socketPath: string;
  themeName: string;
  now: number;
  width: number;
}

function daemonText(daemon: DaemonFacts | null, now: number): string {
  if (!daemon) return '';
  const uptime = daemon.uptimeMs + Math.max(0, now - daemon.observedAt);
  const usage = daemon.cpuPercent === null ? '' : ` · cpu ${formatPercent(daemon.cpuPercent)} · ${formatBytes(daemon.rssBytes)}`;
  return `daemon pid ${daemon.pid} · up ${formatDuration(uptime)}${usage}`;
}

/** Key bindings, then the daemon's state: connected or retrying, socket path, uptime. */
export function Footer({ keys, connection, daemon, lastReload, socketPath, themeName, now, width }: FooterProps) {
  const theme = useTheme();
  const { phase, error, retries } = connection;
  const state =
    phase === 'connected'
      ? { symbol: '●', text: 'connected', colour: theme.success }
      : phase === 'connecting'
        ? { symbol: '◔', text: 'connecting…', colour: theme.warning }
        : { symbol: '✖', text: `disconnected — retrying${retries > 1 ? ` (${retries})` : ''}`, colour: theme.error };
  const reload = reloadText(lastReload, now, formatDuration);
  const detail = phase === 'disconnected' && error ? `  ${error}` : phase === 'connected' ? `  ${daemonText(daemon, now)}${reload ? ` · ${reload}` : ''}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        {keys.map(([key, action], index) => (
          <Text key={key}>
            {index > 0 ? '  ' : ' '}
            <Text bold color={theme.accent}>
              {key}
            </Text>
            <Text color={theme.dim}>{` ${action}`}</Text>
          </Text>
        ))}
      </Text>
      <Text wrap="truncate-end">
        <Text color={state.colour} bold>{` ${state.symbol} ${state.text}`}</Text>
        <Text color={theme.dim}>{`  ${socketPath}${detail}  theme ${themeName}`}</Text>
      </Text>
    </Box>
  );
}
