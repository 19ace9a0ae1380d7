import type { LogLine } from '../../protocol/index.js';
import { parseLogLine } from './log-format.js';
import { rotatedPath } from './log-file-writer.js';
import { linesBackward } from './read-backward.js';

/** The last `count` accepted lines of a service, oldest first, from its live file back through the rotated ones. */
export async function tailFiles(
  path: string,
  keepFiles: number,
  service: string,
  count: number,
  accept: (line: LogLine) => boolean,
): Promise<LogLine[]> {
  const newestFirst: LogLine[] = [];
  for (let index = 0; index <= keepFiles && newestFirst.length < count; index++) {
    for await (const block of linesBackward(rotatedPath(path, index))) {
      for (const text of block) {
        const line = parseLogLine(service, text);
        if (line && accept(line)) newestFirst.push(line);
        if (newestFirst.length >= count) break;
      }
      if (newestFirst.length >= count) break;
    }
  }
  return newestFirst.reverse();
}
