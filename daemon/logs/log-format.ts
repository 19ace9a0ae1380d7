import type { LogLine } from '../../protocol/index.js';

const STREAMS = new Set(['stdout', 'stderr', 'system']);

let lastAt = -1;
let lastIso = '';

/** ISO strings are costly under a flood; consecutive lines usually share a millisecond. */
function isoOf(at: number): string {
  if (at !== lastAt) {
    lastAt = at;
    lastIso = new Date(at).toISOString();
  }
  return lastIso;
}

/** One file line: `<ISO-8601> <stream> <instance or -> <text>\n` (text last, never a newline). */
export function formatLogLine(line: LogLine): string {
  const instance = line.instance === null ? '-' : String(line.instance);
  return `${isoOf(line.at)} ${line.stream} ${instance} ${line.line}\n`;
}

/** The inverse of formatLogLine (without the newline); null for a line that is not ours. */
export function parseLogLine(service: string, text: string): LogLine | null {
  const first = text.indexOf(' ');
  const second = first < 0 ? -1 : text.indexOf(' ', first + 1);
  const third = second < 0 ? -1 : text.indexOf(' ', second + 1);
  if (third < 0) return null;
  const at = Date.parse(text.slice(0, first));
  const stream = text.slice(first + 1, second);
  const instanceText = text.slice(second + 1, third);
  if (Number.isNaN(at) || !STREAMS.has(stream)) return null;
  const instance = instanceText === '-' ? null : Number(instanceText);
  if (instance !== null && !Number.isInteger(instance)) return null;
  return { service, instance, stream: stream as LogLine['stream'], at, line: text.slice(third + 1) };
}
