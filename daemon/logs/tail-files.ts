import { rotatedPath } from './log-file-writer.js';
import { linesBackward } from './read-backward.js';

/**
 * The last `count` accepted entries of one log, oldest first, from its live file back through
 * the rotated ones; `parse` turns a line into an entry (null: not one, skipped).
 */
export async function tailFiles<T>(
  path: string,
  keepFiles: number,
  count: number,
  parse: (text: string) => T | null,
  accept: (entry: T) => boolean,
): Promise<T[]> {
  const newestFirst: T[] = [];
  for (let index = 0; index <= keepFiles && newestFirst.length < count; index++) {
    for await (const block of linesBackward(rotatedPath(path, index))) {
      for (const text of block) {
        const entry = parse(text);
        if (entry !== null && accept(entry)) newestFirst.push(entry);
        if (newestFirst.length >= count) break;
      }
      if (newestFirst.length >= count) break;
    }
  }
  return newestFirst.reverse();
}
