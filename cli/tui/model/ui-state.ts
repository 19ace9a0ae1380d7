/** What the dashboard's keys change, beside the daemon's data (dashboard-state.ts); pure, tested without rendering. */

export type Mode = 'normal' | 'filter' | 'confirm' | 'register' | 'help';
export type Focus = 'table' | 'logs';

/** An action that waits for a yes. */
export type PendingAction = { kind: 'stop' | 'unregister'; name: string };

export interface Confirmation {
  question: string;
  action: PendingAction;
}

export interface UiState {
  mode: Mode;
  confirmation: Confirmation | null;
  focus: Focus;
  tableFilter: string;
  logFilter: string;
  /** The log pane follows every service rather than the selected one. */
  followAll: boolean;
  paused: boolean;
  /** Lines scrolled back from the newest. */
  scrollBack: number;
  /** null: the first visible service. */
  selectedName: string | null;
  themeName: string;
}

export type UiAction =
  /** `names`: the services shown now, in order (read at key time: keys can outrun renders). */
  | { type: 'move'; step: number; names: readonly string[] }
  | { type: 'select'; name: string }
  | { type: 'mode'; mode: Exclude<Mode, 'confirm'> }
  | { type: 'confirm'; confirmation: Confirmation }
  | { type: 'answered' }
  | { type: 'toggleLogSource' }
  | { type: 'togglePause' }
  /** `lines` > 0 scrolls back (and pauses); `newest`: the index of the newest line. */
  | { type: 'scroll'; lines: number; newest: number }
  | { type: 'toggleFocus' }
  /** Changes the filter of what has the focus; an update, so keys faster than renders are not lost. */
  | { type: 'filter'; update: (current: string) => string }
  | { type: 'theme'; name: string };

export function initialUiState(themeName: string): UiState {
  return {
    mode: 'normal',
    confirmation: null,
    focus: 'table',
    tableFilter: '',
    logFilter: '',
    followAll: false,
    paused: false,
    scrollBack: 0,
    selectedName: null,
    themeName,
  };
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'move':
      return { ...state, selectedName: moved(state.selectedName, action.step, action.names) };
    case 'select':
      return { ...state, selectedName: action.name };
    case 'mode':
      return { ...state, mode: action.mode };
    case 'confirm':
      return { ...state, mode: 'confirm', confirmation: action.confirmation };
    case 'answered':
      return { ...state, mode: 'normal', confirmation: null };
    case 'toggleLogSource':
      return { ...state, followAll: !state.followAll, scrollBack: 0 };
    case 'togglePause':
      return { ...state, paused: !state.paused, scrollBack: 0 };
    case 'scroll': {
      const scrollBack = Math.max(0, Math.min(Math.max(0, action.newest), state.scrollBack + action.lines));
      return { ...state, paused: action.lines > 0 ? true : state.paused, scrollBack };
    }
    case 'toggleFocus':
      return { ...state, focus: state.focus === 'table' ? 'logs' : 'table' };
    case 'filter':
      return state.focus === 'table'
        ? { ...state, tableFilter: action.update(state.tableFilter) }
        : { ...state, logFilter: action.update(state.logFilter) };
    case 'theme':
      return { ...state, themeName: action.name };
  }
}

/** The name `step` rows away from the current one, kept within the list; unchanged when it is empty. */
function moved(current: string | null, step: number, names: readonly string[]): string | null {
  if (names.length === 0) return current;
  const index = Math.max(0, names.findIndex((name) => name === current));
  return names[Math.max(0, Math.min(names.length - 1, index + step))] ?? current;
}

/** The filter of what has the focus. */
export function focusedFilter(state: UiState): string {
  return state.focus === 'table' ? state.tableFilter : state.logFilter;
}
