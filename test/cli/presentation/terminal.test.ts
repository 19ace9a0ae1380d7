import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_LOOK } from '../../../cli/presentation/status.js';
import { DEFAULT_THEME, loadTheme } from '../../../themes/index.js';
import { PROJECT_ROOT } from '../../helpers/daemon.js';
import { colorEnabled, createStyle, paintStatus } from '../../../cli/presentation/terminal.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('colour', () => {
  it('is on for a terminal only, and never with NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('always shows a status symbol, and colours it only when enabled', () => {
    expect(paintStatus('running', createStyle(false))).toBe('● running');
    expect(paintStatus('crashed', createStyle(false))).toBe('✖ crashed');
    expect(paintStatus('running', createStyle(true))).toBe('\x1b[32m● running\x1b[39m');
  });
});

describe('status looks', () => {
  it("are the README's symbols, in the CLI as in the dashboard", () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const promised = /status symbols \(`([^`]+)`\)/.exec(readme)?.[1];
    expect(
      Object.values(STATUS_LOOK)
        .map((look) => look.symbol)
        .join(' '),
    ).toBe(promised);
  });

  it("take the default theme's status colours in the CLI (its gray is the terminal's dim)", () => {
    const theme = loadTheme(DEFAULT_THEME, { colour: true });
    for (const [status, look] of Object.entries(STATUS_LOOK)) {
      expect(look.colour === 'dim' ? 'gray' : look.colour, status).toBe(theme.status[status as keyof typeof theme.status]);
    }
  });
});
