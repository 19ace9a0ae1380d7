import { Box, Text, useInput } from 'ink';
import { useTheme } from '../theme-context.js';

export interface SelectItem {
  value: string;
  label: string;
  hint?: string;
}

export interface SelectListProps {
  items: readonly SelectItem[];
  selected: number;
  /** Move the selection by `step` (wrapping); the owner keeps the index. */
  onMove: (step: number) => void;
  onSubmit?: () => void;
  focus?: boolean;
  /** Rows shown at once; the list scrolls to keep the selection in view. */
  height?: number;
  width: number;
}

/** A vertical list: ↑/↓ or j/k move, Enter picks. */
export function SelectList({ items, selected, onMove, onSubmit, focus = true, height = 6, width }: SelectListProps) {
  const theme = useTheme();
  useInput(
    (input, key) => {
      if (items.length === 0) return;
      if (key.upArrow || input === 'k') onMove(-1);
      else if (key.downArrow || input === 'j') onMove(1);
      else if (key.return) onSubmit?.();
    },
    { isActive: focus },
  );
  const first = Math.max(0, Math.min(selected - Math.floor(height / 2), items.length - height));
  const shown = items.slice(first, first + height);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((item, offset) => {
        const isSelected = first + offset === selected;
        return (
          <Text key={item.value} wrap="truncate-end" color={isSelected ? theme.accent : undefined} bold={isSelected}>
            {isSelected ? '› ' : '  '}
            {item.label}
            {item.hint ? <Text color={theme.dim} dimColor={!theme.colour}>{`  ${item.hint}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
