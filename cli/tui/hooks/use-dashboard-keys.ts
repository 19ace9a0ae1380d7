import { useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import type { Focus } from '../model/ui-state.js';

/** What the keys of the main view can do; the dashboard supplies each. */
export interface DashboardCommands {
  moveSelection: (step: number) => void;
  start: () => void;
  stop: () => void;
  restart: () => void;
  register: () => void;
  unregister: () => void;
  toggleLogSource: () => void;
  togglePause: () => void;
  scrollLogs: (lines: number) => void;
  toggleFocus: () => void;
  editFilter: () => void;
  clearFilter: () => void;
  nextTheme: () => void;
  help: () => void;
  inspect: () => void;
  quit: () => void;
}

const PAGE = 10;

function verticalStep(input: string, key: Key): number {
  if (key.upArrow || input === 'k') return -1;
  if (key.downArrow || input === 'j') return 1;
  return 0;
}

/** The main view's key map. With the logs focused, ↑/↓ scroll them instead of moving the selection. */
export function useDashboardKeys(commands: DashboardCommands, focus: Focus, isActive: boolean): void {
  // Read at key time, not at subscribe time: Ink re-subscribes in an effect, after the frame is drawn.
  const latest = useRef({ commands, focus });
  latest.current = { commands, focus };
  const handle = useCallback((input: string, key: Key) => {
    const { commands, focus } = latest.current;
    // Keys pressed faster than the terminal is read (key repeat under load) arrive as one string.
    if (input.length > 1 && !key.ctrl && !key.meta) {
      for (const char of input) handleKey(commands, focus, char, key);
    } else {
      handleKey(commands, focus, input, key);
    }
  }, []);
  useInput(handle, { isActive });
}

/** Paging, focus, Esc and Ctrl-C: the keys that are not letters. */
function specialKey(commands: DashboardCommands, input: string, key: Key): (() => void) | undefined {
  if (key.pageUp || input === '[') return () => commands.scrollLogs(PAGE);
  if (key.pageDown || input === ']') return () => commands.scrollLogs(-PAGE);
  if (key.tab) return commands.toggleFocus;
  if (key.escape) return commands.clearFilter;
  if (key.ctrl && input === 'c') return commands.quit;
  return undefined;
}

function handleKey(commands: DashboardCommands, focus: Focus, input: string, key: Key): void {
  const step = verticalStep(input, key);
  if (step !== 0) {
    if (focus === 'logs') commands.scrollLogs(-step);
    else commands.moveSelection(step);
    return;
  }
  const special = specialKey(commands, input, key);
  if (special) {
    special();
    return;
  }
  const byKey: Record<string, () => void> = {
    s: commands.start,
    x: commands.stop,
    r: commands.restart,
    n: commands.register,
    d: commands.unregister,
    l: commands.toggleLogSource,
    ' ': commands.togglePause,
    p: commands.togglePause,
    '/': commands.editFilter,
    f: commands.editFilter,
    t: commands.nextTheme,
    i: commands.inspect,
    '?': commands.help,
    q: commands.quit,
  };
  byKey[input]?.();
}
