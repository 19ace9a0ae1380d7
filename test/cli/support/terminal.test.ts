import { describe, expect, it } from 'vitest';
import { colorEnabled, createStyle, paintStatus } from '../../../cli/support/terminal.js';

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
