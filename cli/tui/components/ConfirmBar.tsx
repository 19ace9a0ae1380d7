import { Text, useInput } from 'ink';
import { useTheme } from '../theme-context.js';

export interface ConfirmBarProps {
  question: string;
  onAnswer: (yes: boolean) => void;
}

/** A y/n question in the status line; anything but y (Esc, n, Enter) answers no. */
export function ConfirmBar({ question, onAnswer }: ConfirmBarProps) {
  const theme = useTheme();
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.escape || key.return || input === 'q') onAnswer(false);
  });
  return (
    <Text wrap="truncate-end" color={theme.warning} bold>
      {`? ${question} (y/n)`}
    </Text>
  );
}
