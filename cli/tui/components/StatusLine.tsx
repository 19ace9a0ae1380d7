import { Text } from 'ink';
import type { StatusMessage } from '../hooks/use-actions.js';
import { useTheme } from '../theme-context.js';

const SYMBOL: Record<StatusMessage['kind'], string> = { progress: '…', success: '✔', error: '✖', info: 'ℹ' };

/** The outcome of the last action, or what it is doing now. */
export function StatusLine({ status }: { status: StatusMessage | null }) {
  const theme = useTheme();
  if (!status) return <Text> </Text>;
  const colour = { progress: theme.warning, success: theme.success, error: theme.error, info: theme.accent }[status.kind];
  return (
    <Text wrap="truncate-end" color={colour}>
      {`${SYMBOL[status.kind]} ${status.text}`}
      {status.hint ? <Text color={theme.dim}>{` — ${status.hint}`}</Text> : null}
    </Text>
  );
}
