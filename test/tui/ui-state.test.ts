import { describe, expect, it } from 'vitest';
import { focusedFilter, initialUiState, uiReducer, type UiAction, type UiState } from '../../cli/tui/model/ui-state.js';

const run = (actions: UiAction[], state: UiState = initialUiState('default')): UiState => actions.reduce(uiReducer, state);
const names = ['alpha', 'beta', 'gamma'];

describe('the dashboard UI state, without rendering', () => {
  it('moves the selection within the visible list, from the first row when nothing is chosen', () => {
    expect(run([{ type: 'move', step: 1, names }]).selectedName).toBe('beta');
    expect(run([{ type: 'move', step: 5, names }]).selectedName).toBe('gamma');
    expect(
      run([
        { type: 'move', step: 1, names },
        { type: 'move', step: -3, names },
      ]).selectedName,
    ).toBe('alpha');
    // Three keys in one chunk, before any render: each applies to the state the previous left.
    expect(run([1, 1, -1].map((step) => ({ type: 'move' as const, step, names }))).selectedName).toBe('beta');
    expect(
      run([
        { type: 'select', name: 'beta' },
        { type: 'move', step: 1, names: [] },
      ]).selectedName,
    ).toBe('beta');
  });

  it('asks before stop or unregister and forgets the question once answered', () => {
    const asking = run([{ type: 'confirm', confirmation: { question: 'Stop api?', action: { kind: 'stop', name: 'api' } } }]);
    expect(asking.mode).toBe('confirm');
    expect(asking.confirmation?.action).toEqual({ kind: 'stop', name: 'api' });
    const answered = uiReducer(asking, { type: 'answered' });
    expect(answered).toMatchObject({ mode: 'normal', confirmation: null });
  });

  it('scrolling back pauses the logs and stays within them; pause and log source reset the scroll', () => {
    const back = run([{ type: 'scroll', lines: 10, newest: 4 }]);
    expect(back).toMatchObject({ paused: true, scrollBack: 4 });
    expect(uiReducer(back, { type: 'scroll', lines: -10, newest: 4 })).toMatchObject({ paused: true, scrollBack: 0 });
    expect(uiReducer(back, { type: 'togglePause' })).toMatchObject({ paused: false, scrollBack: 0 });
    expect(uiReducer(back, { type: 'toggleLogSource' })).toMatchObject({ followAll: true, scrollBack: 0 });
    expect(run([{ type: 'scroll', lines: 3, newest: -1 }]).scrollBack).toBe(0);
  });

  it('edits the filter of what has the focus', () => {
    const typed = run([
      { type: 'filter', update: (current) => `${current}ap` },
      { type: 'toggleFocus' },
      { type: 'filter', update: (current) => `${current}ERR` },
    ]);
    expect(typed).toMatchObject({ tableFilter: 'ap', logFilter: 'ERR', focus: 'logs' });
    expect(focusedFilter(typed)).toBe('ERR');
    const cleared = uiReducer(typed, { type: 'filter', update: () => '' });
    expect(cleared).toMatchObject({ tableFilter: 'ap', logFilter: '' });
  });

  it('switches modes and themes', () => {
    expect(run([{ type: 'mode', mode: 'help' }]).mode).toBe('help');
    expect(
      run([
        { type: 'mode', mode: 'register' },
        { type: 'mode', mode: 'normal' },
      ]).mode,
    ).toBe('normal');
    expect(run([{ type: 'theme', name: 'light' }]).themeName).toBe('light');
  });
});

describe('the request inspector state', () => {
  const keys = ['r1', 'r2', 'r3'];
  it('follows the newest until moved, holds a request when moved up, follows again at the bottom', () => {
    const opened = run([{ type: 'mode', mode: 'inspect' }]);
    expect(opened.inspector).toEqual({ selectedKey: null, opened: null });
    const up = run([{ type: 'inspectMove', step: -1, keys }], opened);
    expect(up.inspector.selectedKey).toBe('r2');
    expect(run([{ type: 'inspectMove', step: -5, keys }], opened).inspector.selectedKey).toBe('r1');
    expect(run([{ type: 'inspectMove', step: 1, keys }], up).inspector.selectedKey).toBeNull();
    expect(run([{ type: 'inspectMove', step: -1, keys: [] }], opened).inspector.selectedKey).toBeNull();
  });

  it('Esc goes back from a request to the list, then to the main view; close goes straight back', () => {
    const inRequest = run([
      { type: 'mode', mode: 'inspect' },
      { type: 'inspectOpen', service: 'api', requestId: 'abc', key: 'r3' },
    ]);
    expect(inRequest.inspector).toEqual({ selectedKey: 'r3', opened: { service: 'api', requestId: 'abc' } });
    const list = uiReducer(inRequest, { type: 'inspectBack' });
    expect(list).toMatchObject({ mode: 'inspect', inspector: { selectedKey: 'r3', opened: null } });
    expect(uiReducer(list, { type: 'inspectBack' })).toMatchObject({ mode: 'normal', inspector: { selectedKey: null, opened: null } });
    expect(uiReducer(inRequest, { type: 'inspectClose' })).toMatchObject({ mode: 'normal', inspector: { selectedKey: null, opened: null } });
  });
});
