import { Box, Text } from 'ink';
import { memo } from 'react';
import { MASKED_VALUE } from '../../../protocol/constants.js';
import type { RequestRecord } from '../../../protocol/index.js';
import { fit, formatClock, formatLatency } from '../../presentation/format.js';
import { httpStatusColour, requestSource } from '../../presentation/request-view.js';
import type { RequestDetail } from '../hooks/use-request-detail.js';
import { selectedRequest, visibleRequests } from '../model/request-list.js';
import { printable } from '../model/sanitize.js';
import { useTheme } from '../theme-context.js';

export interface InspectorPaneProps {
  service: string | null;
  requests: readonly RequestRecord[];
  selectedKey: string | null;
  /** The opened request's headers and log lines; null shows the list. */
  detail: RequestDetail | null;
  error: string | null;
  width: number;
  height: number;
}

function RequestRow({ record, selected }: { record: RequestRecord; selected: boolean }) {
  const theme = useTheme();
  const colour = httpStatusColour(record.status);
  const statusColour = colour === 'red' ? theme.error : colour === 'yellow' ? theme.warning : theme.success;
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {selected ? '› ' : '  '}
      <Text color={theme.dim}>{`${formatClock(record.at)} `}</Text>
      {`${fit(record.method, 7)} `}
      <Text color={statusColour}>{`${record.status} `}</Text>
      {`${fit(formatLatency(record.durationMs), 7, 'right')} `}
      <Text color={theme.dim}>{`${fit(requestSource(record), 12)} `}</Text>
      {printable(record.path)}
    </Text>
  );
}

function DetailView({ record, detail, rows }: { record: RequestRecord; detail: RequestDetail; rows: number }) {
  const theme = useTheme();
  const headers = detail.headers ?? [];
  const headerRows = Math.max(1, Math.min(headers.length, rows - Math.min(detail.lines.length, Math.floor(rows / 2)) - 2));
  const logRows = Math.max(0, rows - headerRows - 2);
  return (
    <>
      <Text
        wrap="truncate-end"
        bold
      >{`${record.method} ${printable(record.path)} → ${record.status} in ${formatLatency(record.durationMs)} · request ${record.requestId}`}</Text>
      {detail.error ? <Text color={theme.error} wrap="truncate-end">{`✖ ${detail.error}`}</Text> : null}
      {headers.slice(0, headerRows).map(([name, value], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a header's position is what tells repeated names apart
        <Text key={index} wrap="truncate-end">
          <Text color={theme.accent}>{`${name}: `}</Text>
          <Text color={value === MASKED_VALUE ? theme.warning : theme.text}>{printable(value)}</Text>
        </Text>
      ))}
      <Text color={theme.dim} wrap="truncate-end">{`log lines with ${record.requestId}:${detail.lines.length === 0 ? ' none' : ''}`}</Text>
      {detail.lines.slice(-logRows).map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines are fetched once and never reordered
        <Text key={index} wrap="truncate-end">
          <Text color={theme.dim}>{`${formatClock(line.at)} `}</Text>
          {printable(line.line)}
        </Text>
      ))}
    </>
  );
}

/** The inspected service's last requests, live; Enter opens one (headers, log lines). */
export const InspectorPane = memo(function InspectorPane(props: InspectorPaneProps) {
  const { service, requests, selectedKey, detail, error, width, height } = props;
  const theme = useTheme();
  const rows = Math.max(0, height - 3);
  const selected = selectedRequest(requests, selectedKey);
  const following = selectedKey === null ? '▶ following' : '❚❚ holding';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={width} height={height} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>{`requests · ${service ?? 'no service'}`}</Text>
        <Text color={theme.dim}>{`  ${requests.length} shown  ${following}`}</Text>
        {error ? <Text color={theme.error}>{`  ✖ ${error}`}</Text> : null}
      </Text>
      {detail !== null && selected !== undefined ? (
        <DetailView record={selected} detail={detail} rows={rows} />
      ) : requests.length === 0 ? (
        <Text color={theme.dim}>{`no requests to ${service ?? 'it'} yet — they show here as they come`}</Text>
      ) : (
        visibleRequests(requests, selected, rows).map((record) => (
          <RequestRow key={`${record.at}|${record.requestId}`} record={record} selected={record === selected} />
        ))
      )}
    </Box>
  );
});
