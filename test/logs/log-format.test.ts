import { describe, expect, it } from 'vitest';
import { formatLogLine, parseLogLine } from '../../daemon/logs/log-format.js';

describe('log file format', () => {
  it('round-trips a line with spaces, an empty text, and a null instance', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    for (const line of [
      { service: 'api', instance: 2, stream: 'stderr' as const, at, line: 'GET / 200  3 ms ' },
      { service: 'api', instance: null, stream: 'system' as const, at, line: '' },
    ]) {
      const text = formatLogLine(line);
      expect(text.endsWith('\n')).toBe(true);
      expect(parseLogLine('api', text.slice(0, -1))).toEqual(line);
    }
    expect(formatLogLine({ service: 'a', instance: 0, stream: 'stdout', at, line: 'hi' })).toBe('2026-01-02T03:04:05.678Z stdout 0 hi\n');
  });

  it('refuses lines that are not in the format', () => {
    expect(parseLogLine('a', 'garbage')).toBeNull();
    expect(parseLogLine('a', 'notadate stdout 0 x')).toBeNull();
    expect(parseLogLine('a', '2026-01-02T03:04:05.678Z weird 0 x')).toBeNull();
  });
});
