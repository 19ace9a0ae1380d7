/** `500ms`, `2s`, `1.5s`, `1m`: how Herve writes a duration (project file, CLI flags). */
export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m)$/;
export const DURATION_ERROR = 'expected milliseconds or a duration like 500ms, 2s, 1m';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Milliseconds of a duration written as DURATION_PATTERN, or null when it is not one. */
export function durationMillis(text: string): number | null {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) return null;
  const unit = match[2] ?? '';
  const unitMs = DURATION_UNITS[unit];
  return unitMs === undefined ? null : Math.round(Number(text.slice(0, -unit.length)) * unitMs);
}
