import type { LogLine } from '../../protocol/index.js';
import { formatClock } from './format.js';
import { paintName, type Style } from './terminal.js';

/** stdout lines carry no mark; stderr lines `!`, the daemon's own lines about a service `*`. */
const STREAM_MARK: Record<LogLine['stream'], string> = { stdout: ' ', stderr: '!', system: '*' };

/** `HH:MM:SS.mmm name[i] ! text` */
export function formatLogLine(line: LogLine, style: Style): string {
  const source = line.instance === null ? line.service : `${line.service}[${line.instance}]`;
  const mark = STREAM_MARK[line.stream];
  const text = line.stream === 'stderr' ? style.red(line.line) : line.stream === 'system' ? style.dim(line.line) : line.line;
  return `${style.dim(formatClock(line.at))} ${paintName(source, style)} ${line.stream === 'stderr' ? style.red(mark) : mark} ${text}`;
}

export function formatLogLines(lines: LogLine[], style: Style): string {
  if (lines.length === 0) return '';
  return lines.map((line) => formatLogLine(line, style)).join('\n') + '\n';
}
