import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatDuration, formatPercent } from '../../../cli/support/format.js';

describe('formatting figures', () => {
  it('shows durations with their two largest units', () => {
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(59_000)).toBe('59s');
    expect(formatDuration(61_000)).toBe('1m 1s');
    expect(formatDuration(3 * 3600_000 + 4 * 60_000)).toBe('3h 4m');
    expect(formatDuration(50 * 3600_000)).toBe('2d 2h');
  });

  it('shows memory in binary units and CPU with one decimal', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48.25 * 1024 * 1024)).toBe('48.3 MiB');
    expect(formatPercent(0.04)).toBe('0.0%');
  });

  it('prints local wall-clock time with milliseconds', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 7).getTime();
    expect(formatClock(at)).toBe('03:04:05.007');
  });
});
