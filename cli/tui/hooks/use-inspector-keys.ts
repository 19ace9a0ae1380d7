import { useInput } from 'ink';
import { useRef } from 'react';

export interface InspectorCommands {
  move: (step: number) => void;
  open: () => void;
  back: () => void;
  close: () => void;
  quit: () => void;
}

/** The inspector's keys: ↑/↓ j/k pick a request, Enter opens it, Esc goes back, i closes, q quits. */
export function useInspectorKeys(commands: InspectorCommands, isActive: boolean): void {
  const latest = useRef(commands);
  latest.current = commands;
  useInput(
    (input, key) => {
      const current = latest.current;
      if (key.upArrow || input === 'k') current.move(-1);
      else if (key.downArrow || input === 'j') current.move(1);
      else if (key.return) current.open();
      else if (key.escape) current.back();
      else if (input === 'i') current.close();
      else if (input === 'q' || (key.ctrl && input === 'c')) current.quit();
    },
    { isActive },
  );
}
