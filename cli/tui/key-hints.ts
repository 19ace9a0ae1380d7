type Hints = ReadonlyArray<readonly [string, string]>;

const TABLE: Hints = [
  ['↑↓', 'select'],
  ['s', 'start'],
  ['x', 'stop'],
  ['r', 'restart'],
  ['n', 'new'],
  ['d', 'remove'],
  ['l', 'logs all/one'],
  ['i', 'requests'],
  ['␣', 'pause'],
  ['/', 'filter'],
  ['t', 'theme'],
  ['?', 'help'],
  ['q', 'quit'],
];
const LOGS: Hints = [
  ['↑↓', 'scroll'],
  ['␣', 'pause'],
  ['[ ]', 'page'],
  ['l', 'all/one'],
  ['/', 'filter logs'],
  ['Tab', 'table'],
  ['?', 'help'],
  ['q', 'quit'],
];
const BY_MODE: Record<string, Hints> = {
  filter: [
    ['type', 'to narrow'],
    ['Enter', 'keep'],
    ['Esc', 'clear'],
  ],
  confirm: [
    ['y', 'yes'],
    ['n/Esc', 'no'],
  ],
  register: [
    ['Tab', 'next field'],
    ['↑↓', 'pick type'],
    ['Enter', 'next / register'],
    ['Esc', 'cancel'],
  ],
  help: [['any key', 'close help']],
  inspect: [
    ['↑↓', 'pick a request'],
    ['Enter', 'headers & log lines'],
    ['i/Esc', 'close'],
    ['q', 'quit'],
  ],
};
const INSPECTING_ONE: Hints = [
  ['Esc', 'back to the requests'],
  ['i', 'close'],
  ['q', 'quit'],
];

/** The bindings the footer lists for what the user is doing now. */
export function keyHints(mode: string, focus: 'table' | 'logs', requestOpened = false): Hints {
  if (mode === 'inspect' && requestOpened) return INSPECTING_ONE;
  if (mode !== 'normal') return BY_MODE[mode] ?? TABLE;
  return focus === 'logs' ? LOGS : TABLE;
}
