import { Text, useInput } from 'ink';
import { useTheme } from '../theme-context.js';

export interface TextInputProps {
  value: string;
  /** Receives an update of the current value, so keys arriving faster than renders are not lost. */
  onChange: (update: (current: string) => string) => void;
  onSubmit?: () => void;
  onCancel?: () => void;
  focus?: boolean;
  placeholder?: string;
}

/** One-line input: type, backspace, Ctrl-U clears, Enter submits, Esc cancels. The cursor sits at the end. */
export function TextInput({ value, onChange, onSubmit, onCancel, focus = true, placeholder = '' }: TextInputProps) {
  const theme = useTheme();
  useInput(
    (input, key) => {
      if (key.return) onSubmit?.();
      else if (key.escape) onCancel?.();
      else if (key.backspace || key.delete) onChange((current) => current.slice(0, -1));
      else if (key.ctrl && input === 'u') onChange(() => '');
      else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && input.length > 0) {
        // Fast typing or a paste can arrive as one chunk, Enter included: the text up to the
        // first line break is typed, and the line break submits.
        const [typed = '', ...rest] = input.split(/\r\n|\r|\n/);
        const text = typed.replace(/\t/g, ' ');
        if (text.length > 0) onChange((current) => current + text);
        if (rest.length > 0) onSubmit?.();
      }
    },
    { isActive: focus },
  );
  const cursor = focus ? <Text inverse> </Text> : null;
  if (value.length === 0) {
    return (
      <Text>
        {cursor}
        <Text color={theme.dim} dimColor={!theme.colour}>
          {placeholder}
        </Text>
      </Text>
    );
  }
  return (
    <Text>
      {value}
      {cursor}
    </Text>
  );
}
