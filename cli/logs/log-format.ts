import type { LogLine } from '../../protocol/index.js';
import { formatClock } from '../presentation/format.js';
import { paintName, type Style } from '../presentation/terminal.js';

/** stdout lines carry no mark; stderr lines `!`, the daemon's own lines about a service `*`. */
const STREAM_MARK: Record<LogLine['stream'], string> = { stdout: ' ', stderr: '!', system: '*' };

function streamPaint(stream: LogLine['stream'], style: Style): (text: string) => string {
  if (stream === 'stderr') return style.red;
  if (stream === 'system') return style.dim;
  return (text) => text;
}

/** `HH:MM:SS.mmm name[i] ! text` */
export function formatLogLine(line: LogLine, style: Style): string {
  const source = line.instance === null ? line.service : `${line.service}[${line.instance}]`;
  const paint = streamPaint(line.stream, style);
  return `${style.dim(formatClock(line.at))} ${paintName(source, style)} ${paint(STREAM_MARK[line.stream])} ${paint(line.line)}`;
}

export function formatLogLines(lines: LogLine[], style: Style): string {
  if (lines.length === 0) return '';
  return `${lines.map((line) => formatLogLine(line, style)).join('\n')}\n`;
}
