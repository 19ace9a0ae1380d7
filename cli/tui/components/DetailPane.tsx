import { Box, Text } from 'ink';
import { memo } from 'react';
import { describeProbe, probeKind } from '../../../protocol/probe-kind.js';
import type { ServiceInfo, ServiceStats } from '../../../protocol/index.js';
import { describeRoll, instanceRollState } from '../../presentation/roll-view.js';
import { EJECTED_LOOK, ejectedInstances, ejectionDetail, ejectionLabel } from '../../presentation/ejection-view.js';
import { ABSENT, formatDuration, formatRate } from '../../presentation/format.js';
import { commandLine, lastExit } from '../../presentation/service-view.js';
import { sparkline } from '../model/sparkline.js';
import { statusLabel } from '../../presentation/status.js';
import { useTheme } from '../theme-context.js';

export interface DetailPaneProps {
  service: ServiceInfo | undefined;
  stats: ServiceStats | undefined;
  rateHistory: readonly number[] | undefined;
  width: number;
  height: number;
}

const LABEL_WIDTH = 9;
const EJECTED = 'ejected';

function healthText(service: ServiceInfo): string {
  const { health } = service;
  if (probeKind(health) === 'none') return 'no probe (ready once spawned)';
  return `${describeProbe(health)} every ${formatDuration(health.intervalMs)}, timeout ${health.timeoutMs}ms`;
}

function restartText(service: ServiceInfo): string {
  const { restart } = service;
  const backoff = `backoff ${restart.backoffInitialMs}ms→${formatDuration(restart.backoffMaxMs)}`;
  return `${restart.policy}, ${backoff}, crash loop ${restart.crashLoopLimit} in ${formatDuration(restart.crashLoopWindowMs)}`;
}

function instanceText(service: ServiceInfo, now: number): string {
  if (service.instances.length === 0) return ABSENT;
  return service.instances
    .map((instance) => {
      const state = instance.ejected ? ejectionLabel(instance.ejected, now) : `${instance.status}${instance.ready ? ' ✓' : ''}`;
      const role = instance.roll ? `${instance.roll} ${instanceRollState(instance)}` : state;
      return `#${instance.index} ${role}${instance.port ? ` :${instance.port}` : ''}`;
    })
    .join('  ');
}

/** Everything about the selected service that does not fit in its row. */
export const DetailPane = memo(function DetailPane({ service, stats, rateHistory, width, height }: DetailPaneProps) {
  const theme = useTheme();
  const inner = Math.max(0, width - 4);
  if (!service) {
    return (
      <Box borderStyle="round" borderColor={theme.border} width={width} height={height} paddingX={1}>
        <Text color={theme.dim} dimColor={!theme.colour}>
          no service selected
        </Text>
      </Box>
    );
  }
  const rate = stats?.requests?.ratePerSec;
  const sparkWidth = Math.max(0, Math.min(60, inner - LABEL_WIDTH - 8));
  const rows: Array<[string, string]> = [
    ['command', commandLine(service)],
    ['url', service.url ?? `${ABSENT} (no proxy)`],
    ['health', healthText(service)],
    ['restart', restartText(service)],
    ['instances', instanceText(service, Date.now())],
    ...ejectedInstances(service).map((instance) => [EJECTED, `#${instance.index} ${ejectionDetail(instance.ejected, Date.now())}`] as [string, string]),
    ...(service.roll ? [['rolling', `${describeRoll(service)} (${service.roll.reason})`] as [string, string]] : []),
    ['last exit', lastExit(service) ?? ABSENT],
    ['req/s', `${sparkline(rateHistory ?? [], sparkWidth)} ${formatRate(rate)}`],
  ];
  const shown = rows.slice(0, Math.max(0, height - 3));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border} width={width} height={height} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          {service.name}
        </Text>
        <Text color={theme.dim}>{` ${service.type} `}</Text>
        <Text color={theme.status[service.status]}>{statusLabel(service.status)}</Text>
        {service.description ? <Text color={theme.dim} dimColor={!theme.colour}>{`  ${service.description}`}</Text> : null}
      </Text>
      {shown.map(([label, value]) => (
        <Text key={label} wrap="truncate-end">
          <Text color={theme.dim} dimColor={!theme.colour}>
            {label.padEnd(LABEL_WIDTH)}{' '}
          </Text>
          <Text color={label === 'req/s' ? theme.accent : label === EJECTED ? theme.status[EJECTED_LOOK.themeStatus] : theme.text}>{value}</Text>
        </Text>
      ))}
    </Box>
  );
});
