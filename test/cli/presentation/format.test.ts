import { describe, expect, it } from 'vitest';
import { fit, formatBytes, formatClock, formatDuration, formatLatency, formatPercent, formatRate, formatRatio } from '../../../cli/presentation/format.js';

/** One output for `herve ls` and the dashboard, narrow enough for the dashboard's columns. */
describe('formatting figures', () => {
  it('shows durations with their two largest units', () => {
    expect(formatDuration(999)).toBe('0s');
    expect(formatDuration(59_000)).toBe('59s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(3 * 3600_000 + 60_000)).toBe('3h01m');
    expect(formatDuration(50 * 3600_000)).toBe('2d02h');
  });

  it('shows memory in binary units, CPU, rates and latency', () => {
    expect(formatBytes(512)).toBe('512B');
    expect(formatBytes(1536)).toBe('1.5K');
    expect(formatBytes(52 * 1024 * 1024)).toBe('52M');
    expect(formatPercent(0.04)).toBe('0.0%');
    expect(formatRatio(0.015)).toBe('1.5%');
    expect(formatRate(2.25)).toBe('2.3');
    expect(formatRate(1234.4)).toBe('1234');
    expect(formatLatency(4.25)).toBe('4.3ms');
    expect(formatLatency(1500)).toBe('1.5s');
  });

  it('marks absent figures with –', () => {
    for (const absent of [formatDuration(null), formatBytes(undefined), formatPercent(null), formatRatio(null), formatRate(null), formatLatency(null)]) {
      expect(absent).toBe('–');
    }
  });

  it('fits text to a column', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4, 'right')).toBe('  ab');
  });

  it('prints local wall-clock time with milliseconds', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 7).getTime();
    expect(formatClock(at)).toBe('03:04:05.007');
    expect(formatClock(at, 's')).toBe('03:04:05');
  });
});
