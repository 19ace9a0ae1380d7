/** What the dashboard's keys change, beside the daemon's data (dashboard-state.ts); pure, tested without rendering. */

export type Mode = 'normal' | 'filter' | 'confirm' | 'register' | 'help' | 'inspect';
export type Focus = 'table' | 'logs';

/** An action that waits for a yes. */
export type PendingAction = { kind: 'stop' | 'unregister'; name: string };

export interface Confirmation {
  question: string;
  action: PendingAction;
}

/** The request inspector (key `i`): which request is highlighted, and which one is opened. */
export interface InspectorState {
  /** The highlighted request's key; null follows the newest. */
  selectedKey: string | null;
  /** The request whose headers and log lines are shown. */
  opened: { service: string; requestId: string } | null;
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
  inspector: InspectorState;
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
  | { type: 'theme'; name: string }
  /** `keys`: the inspector's requests, oldest first; moving onto the newest follows it again. */
  | { type: 'inspectMove'; step: number; keys: readonly string[] }
  /** Opening a request also holds it highlighted, so newer requests do not take its place. */
  | { type: 'inspectOpen'; service: string; requestId: string; key: string }
  /** Back from a request to the list, or from the list to the main view. */
  | { type: 'inspectBack' }
  | { type: 'inspectClose' };

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
    inspector: { selectedKey: null, opened: null },
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
      return state.focus === 'table' ? { ...state, tableFilter: action.update(state.tableFilter) } : { ...state, logFilter: action.update(state.logFilter) };
    case 'theme':
      return { ...state, themeName: action.name };
    case 'inspectMove':
      return { ...state, inspector: { ...state.inspector, selectedKey: movedKey(state.inspector.selectedKey, action.step, action.keys) } };
    case 'inspectOpen':
      return { ...state, inspector: { selectedKey: action.key, opened: { service: action.service, requestId: action.requestId } } };
    case 'inspectBack':
      return state.inspector.opened !== null
        ? { ...state, inspector: { ...state.inspector, opened: null } }
        : { ...state, mode: 'normal', inspector: { selectedKey: null, opened: null } };
    case 'inspectClose':
      return { ...state, mode: 'normal', inspector: { selectedKey: null, opened: null } };
  }
}

function movedKey(current: string | null, step: number, keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  const index = current === null ? keys.length - 1 : Math.max(0, keys.indexOf(current));
  const next = Math.max(0, Math.min(keys.length - 1, index + step));
  return next === keys.length - 1 ? null : (keys[next] ?? null);
}

/** The name `step` rows away from the current one, kept within the list; unchanged when it is empty. */
function moved(current: string | null, step: number, names: readonly string[]): string | null {
  if (names.length === 0) return current;
  const index = current === null ? 0 : Math.max(0, names.indexOf(current));
  return names[Math.max(0, Math.min(names.length - 1, index + step))] ?? current;
}

/** The filter of what has the focus. */
export function focusedFilter(state: UiState): string {
  return state.focus === 'table' ? state.tableFilter : state.logFilter;
}
